-- Lineage of the public mart: for every mart row, the loads (landing files) whose raw rows
-- went into it, so an analyst can answer "which files produced this number". A hidden row
-- lists every load behind its indicator and year: which files hold a person behind one
-- hidden cell would tell a zero from a small count.
with

value_rows as (

    select * from {{ ref('int_indicator_values_unioned') }}

),

disclosure as (

    select * from {{ ref('int_indicator_disclosure') }}

),

files as (

    select * from {{ ref('stg_loads__files') }}

),

year_loads as (

    -- every load behind an indicator's year, listed once per indicator and year
    select indicator_id, year, list_sort(list_distinct(flatten(list(load_ids)))) as year_load_ids
    from value_rows
    group by indicator_id, year

),

with_year_loads as (

    select value_rows.*, disclosure.is_suppressed, year_loads.year_load_ids
    from value_rows
    inner join disclosure
        on disclosure.row_id = value_rows.row_id
    inner join year_loads
        on
            year_loads.indicator_id = value_rows.indicator_id
            and year_loads.year = value_rows.year

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
        unnest(case when is_suppressed then year_load_ids else load_ids end) as load_id
    from with_year_loads

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
