{#- A wide mart for one of the plan's main goals: one row per year and place, one column per
    indicator of the goal (its headline: all sexes, all ages, breakdown total; an indicator
    without a total row gets a column per breakdown, e.g. golden_rule_gap__sector_tsb).
    Suppressed cells stay null. For the report's goal pages and for spreadsheet users. -#}
{% macro goal_wide_mart(goal) %}
with

headline as (

    select
        values.year,
        values.geo_level,
        values.geo_code,
        values.geo_name,
        values.value,
        values.indicator_id,
        values.breakdown,
        bool_or(values.breakdown = 'total') over (partition by values.indicator_id)
            as has_total
    from {{ ref('mart_indicator_values') }} as values
    inner join {{ ref('dim_indicator') }} as indicators
        on indicators.indicator_id = values.indicator_id
    where indicators.goal = {{ goal }}
        and values.sex = 'all'
        and values.age_group = 'all'

),

columns_named as (

    select
        year,
        geo_level,
        geo_code,
        geo_name,
        value,
        case
            when breakdown = 'total' then indicator_id
            else indicator_id || '__' || regexp_replace(breakdown, '[^a-z0-9]+', '_', 'g')
        end as column_name
    from headline
    where breakdown = 'total' or (not has_total and breakdown not like '%;%')

)

select *
from (
    pivot columns_named
    on column_name
    using first(value)
    group by year, geo_level, geo_code, geo_name
)
order by year, geo_level, geo_code
{% endmacro %}
