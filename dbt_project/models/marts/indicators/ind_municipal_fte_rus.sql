-- municipal_fte_rus: FTEs reported on IS-24/8, by municipality and county, in total (all three
-- work categories), by work category, and by work category and target group.
with

fte as (

    select
        fte.*,
        geo.county_code
    from {{ ref('int_municipal_fte_2024') }} as fte
    left join {{ ref('ref_geography_2024') }} as geo
        on geo.municipality_code = fte.municipality_code

),

{% set levels = [('county', 'county_code'), ('municipality', 'municipality_code')] %}
grouped as (

    select
        year,
        {{ geo_level_from_grouping(levels) }} as geo_level,
        {{ geo_code_from_grouping(levels) }} as geo_code,
        case
            when grouping(target_group) = 0
                then 'target_group=' || target_group || ';work_category=' || work_category
            when grouping(work_category) = 0 then 'work_category=' || work_category
            else 'total'
        end as breakdown,
        sum(fte) as fte,
        {{ merged_lineage() }} as load_ids
    from fte
    group by
        year,
        grouping sets ((), (county_code), (county_code, municipality_code)),
        grouping sets ((), (work_category), (work_category, target_group))

),

with_category_total as (

    select * from grouped

    union all

    -- the printed table has a total row of its own (Tabell 2.2): same number, its own label
    select year, geo_level, geo_code, 'work_category=total', fte, load_ids  -- noqa: AL03
    from grouped
    where breakdown = 'total'

)

select
    'municipal_fte_rus' as indicator_id,
    year,
    geo_level,
    geo_code,
    'all' as sex,
    'all' as age_group,
    breakdown,
    cast(null as varchar) as parent_breakdown,
    cast(fte as double) as numerator,
    cast(null as double) as denominator,
    cast(fte as double) as value,
    cast(null as double) as value_sd,
    load_ids
from with_category_total

-- sqlfluff:exclude_rules:LT02
-- (its GROUPING SETS, which sqlfluff's DuckDB dialect does not parse, confuse the indent rule)
