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

row_loads as (

    select indicator_id, year, unnest(load_ids) as load_id
    from value_rows

),

year_loads as (

    -- every load behind an indicator's year, once (a table of rows, not a list per row:
    -- DuckDB carries a list column through a join far slower than the rows it holds)
    select distinct indicator_id, year, load_id
    from row_loads
    where load_id is not null

),

with_disclosure as (

    select value_rows.*, disclosure.is_suppressed
    from value_rows
    inner join disclosure
        on disclosure.row_id = value_rows.row_id

),

traced as (

    -- a shown row: its own loads
    select
        indicator_id,
        year,
        geo_level,
        geo_code,
        sex,
        age_group,
        breakdown,
        unnest(load_ids) as load_id
    from with_disclosure
    where is_suppressed is not true

    union all

    -- a hidden row: every load of its indicator and year
    select
        with_disclosure.indicator_id,
        with_disclosure.year,
        with_disclosure.geo_level,
        with_disclosure.geo_code,
        with_disclosure.sex,
        with_disclosure.age_group,
        with_disclosure.breakdown,
        year_loads.load_id
    from with_disclosure
    inner join year_loads
        on
            year_loads.indicator_id = with_disclosure.indicator_id
            and year_loads.year = with_disclosure.year
    where with_disclosure.is_suppressed

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
