-- Lineage of the public mart: for every mart row, the loads (landing files) whose raw rows
-- went into it, so an analyst can answer "which files produced this number". Suppressed rows
-- are traced too: the files are not secret, the numbers are.
with

value_rows as (

    select * from {{ ref('int_indicator_values_unioned') }}

),

files as (

    select * from {{ ref('stg_loads__files') }}

),

traced as (

    select
        indicator_id,
        year,
        geo_level,
        geo_code,
        sex,
        age_group,
        breakdown,
        unnest(load_ids) as load_id
    from value_rows

)

select
    traced.indicator_id,
    cast(traced.year as integer) as year,
    traced.geo_level,
    traced.geo_code,
    traced.sex,
    traced.age_group,
    traced.breakdown,
    traced.load_id,
    files.source_id,
    files.source_file,
    files.loaded_at
from traced
left join files
    on files.load_id = traced.load_id
order by indicator_id, year, geo_level, geo_code, sex, age_group, breakdown, load_id
