-- golden_rule_gap: per RHF (and the country) and year, real growth in operating costs of TSB, and
-- of mental health care (PHV, adults and children together), minus that of somatics, in percentage
-- points. Fixed 2024 prices. numerator = the sector's real growth (%), denominator = somatics' real
-- growth (%), value = the difference (Prop. 15 S (2015–2016), ch. 1.1, footnote 1).
with

costs as (

    select * from {{ ref('int_samdata_costs_fixed_prices') }}

),

by_sector as (

    select
        year,
        case when grouping(rhf_code) = 0 then 'rhf' else 'national' end as geo_level,
        case when grouping(rhf_code) = 0 then rhf_code else 'NO' end as geo_code,
        sector_group,
        -- sum the exact current-price decimals, then deflate once: a sum of doubles would
        -- depend on the order the threads add them in
        cast(sum(cost_mnok_current) as double) * 100.0 / max(price_index) as cost_fixed,
        list(distinct load_id) as load_ids
    from (
        select
            *,
            case when sector in ('phv_adults', 'phv_children') then 'phv' else sector end
                as sector_group
        from costs
    ) as costs_by_sector_group
    group by grouping sets ((year, sector_group), (year, rhf_code, sector_group))

),

growth as (

    select
        *,
        lag(year) over series as previous_year,
        100.0 * (cost_fixed / lag(cost_fixed) over series - 1) as real_growth_pct,
        -- growth is made of this year's and last year's extracts
        list_concat(load_ids, coalesce(lag(load_ids) over series, [])) as growth_load_ids
    from by_sector
    window series as (partition by geo_level, geo_code, sector_group order by year)

),

paired as (

    select
        sector.year,
        sector.geo_level,
        sector.geo_code,
        sector.sector_group,
        sector.real_growth_pct,
        somatics.real_growth_pct as somatics_growth_pct,
        list_sort(list_distinct(list_concat(sector.growth_load_ids, somatics.growth_load_ids)))
            as load_ids
    from growth as sector
    inner join growth as somatics
        on somatics.year = sector.year
        and somatics.geo_level = sector.geo_level
        and somatics.geo_code = sector.geo_code
        and somatics.sector_group = 'somatics'
    where sector.sector_group in ('tsb', 'phv')
        -- growth needs the year before; a gap in the series gives no value
        and sector.previous_year = sector.year - 1
        and somatics.previous_year = somatics.year - 1

)

select
    'golden_rule_gap' as indicator_id,
    year,
    geo_level,
    geo_code,
    'all' as sex,
    'all' as age_group,
    'sector=' || sector_group as breakdown,
    cast(null as varchar) as parent_breakdown,
    real_growth_pct as numerator,
    somatics_growth_pct as denominator,
    real_growth_pct - somatics_growth_pct as value,
    cast(null as double) as value_sd,
    load_ids
from paired

-- sqlfluff:exclude_rules:LT02
-- (its GROUPING SETS, which sqlfluff's DuckDB dialect does not parse, confuse the indent rule)
