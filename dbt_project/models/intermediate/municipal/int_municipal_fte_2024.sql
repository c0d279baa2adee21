-- IS-24/8 FTEs moved from the codes of the reporting year to the 2024 geography. A municipality
-- that was later split gives each successor its weight of the FTEs (exact decimals, so totals
-- stay the printed ones).
with

fte as (

    select * from {{ ref('stg_is_24_8__fte') }}

),

crosswalk as (

    select * from {{ ref('ref_municipality_crosswalk') }}

),

mapped as (

    select
        fte.year,
        crosswalk.municipality_code_2024 as municipality_code,
        fte.work_category,
        fte.target_group,
        sum(fte.fte * crosswalk.weight) as fte,
        list_sort(list(distinct fte.load_id)) as load_ids
    from fte
    inner join crosswalk
        on
            crosswalk.municipality_code = fte.municipality_code
            and fte.year between crosswalk.valid_from and crosswalk.valid_to
    group by all

)

select * from mapped
