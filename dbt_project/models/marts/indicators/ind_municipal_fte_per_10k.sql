-- municipal_fte_per_10k: FTEs in all three work categories per 10 000 inhabitants on 1 January;
-- for a target group, per 10 000 in that group (voksne: 18+, barn: 0-17). Also as a 3-year
-- moving average (breakdown adjustment=moving_average_3y).
with

fte as (

    select year, municipality_code, target_group, sum(fte) as fte,
        {{ merged_lineage() }} as load_ids
    from {{ ref('int_municipal_fte_2024') }}
    group by year, municipality_code, target_group

),

population as (

    select * from {{ ref('int_population_by_municipality') }}

),

joined as (

    select
        fte.year,
        fte.municipality_code,
        geo.county_code,
        fte.target_group,
        fte.fte,
        list_concat(fte.load_ids, [population.load_id]) as load_ids,
        case fte.target_group
            when 'voksne' then population.persons_adults
            when 'barn' then population.persons_children
        end as persons
    from fte
    inner join population
        on population.year = fte.year
        and population.municipality_code = fte.municipality_code
    left join {{ ref('ref_geography_2024') }} as geo
        on geo.municipality_code = fte.municipality_code

),

{% set levels = [('county', 'county_code'), ('municipality', 'municipality_code')] %}
grouped as (

    select
        year,
        {{ geo_level_from_grouping(levels) }} as geo_level,
        {{ geo_code_from_grouping(levels) }} as geo_code,
        case when grouping(target_group) = 0 then 'target_group=' || target_group
            else 'total' end as breakdown,
        sum(fte) as fte,
        sum(persons) as persons,
        {{ merged_lineage() }} as load_ids
    from joined
    group by
        year,
        grouping sets ((), (county_code), (county_code, municipality_code)),
        grouping sets ((), (target_group))

),

rates as (

    select
        'municipal_fte_per_10k' as indicator_id,
        year,
        geo_level,
        geo_code,
        'all' as sex,
        'all' as age_group,
        breakdown,
        cast(null as varchar) as parent_breakdown,
        cast(fte as double) as numerator,
        cast(persons as double) as denominator,
        10000.0 * fte / persons as value,
        cast(null as double) as value_sd,
        load_ids
    from grouped

),

-- three years up to `year` pooled (FTEs and inhabitants summed), for municipalities and
-- counties: small municipalities' rates jump with one FTE more or less
moving_average as (

    {{ moving_average_3y('rates', 10000.0) }}

)

select * from rates
union all
select * from moving_average

-- sqlfluff:exclude_rules:LT02
-- (its GROUPING SETS, which sqlfluff's DuckDB dialect does not parse, confuse the indent rule)
