-- The long public mart: one row per indicator x year x place x sex x age group x breakdown,
-- with 95 % intervals, disclosure control applied and the target status. A hidden row shows
-- no value and no interval (either would give its counts away); its numerator and
-- denominator are shown only where that count is shown anyway (a rate's population is public).
-- Every hidden row has the same public reason: which rule hid it would say what it holds.
-- Published to the serving file.
with

value_rows as (

    select * from {{ ref('int_indicator_values_unioned') }}

),

intervals as (

    select * from {{ ref('int_indicator_intervals') }}

),

disclosure as (

    select * from {{ ref('int_indicator_disclosure') }}

),

indicators as (

    select * from {{ ref('stg_catalog__indicators') }}

),

geo_units as (

    select * from {{ ref('int_geo_units') }}

),

visible as (

    select
        value_rows.indicator_id,
        value_rows.year,
        value_rows.geo_level,
        value_rows.geo_code,
        value_rows.sex,
        value_rows.age_group,
        value_rows.breakdown,
        case
            when disclosure.is_numerator_hidden then null
            when disclosure.is_suppressed and not coalesce(indicators.is_person_count, false) then null
            else value_rows.numerator
        end as numerator,
        case when not disclosure.is_denominator_hidden then value_rows.denominator end
            as denominator,
        case when not disclosure.is_suppressed then value_rows.value end as value,
        case when not disclosure.is_suppressed then intervals.ci_low end as ci_low,
        case when not disclosure.is_suppressed then intervals.ci_high end as ci_high,
        disclosure.is_suppressed as suppressed,
        case when disclosure.is_suppressed then 'disclosure_control' end as suppression_reason,
        indicators.direction,
        indicators.threshold
    from value_rows
    inner join disclosure
        on disclosure.row_id = value_rows.row_id
    inner join intervals
        on intervals.row_id = value_rows.row_id
    inner join indicators
        on indicators.indicator_id = value_rows.indicator_id

),

-- target status from the catalog: a threshold where there is one (the golden rule: > 0),
-- else the direction against the year before in the same series, when both are visible
with_previous as (

    select
        *,
        lag(value) over series as previous_value,
        lag(year) over series as previous_year
    from visible
    window series as (
        partition by indicator_id, geo_level, geo_code, sex, age_group, breakdown
        order by year
    )

),

final as (

    select
        with_previous.indicator_id,
        cast(with_previous.year as integer) as year,
        with_previous.geo_level,
        with_previous.geo_code,
        geo_units.geo_name,
        with_previous.sex,
        with_previous.age_group,
        with_previous.breakdown,
        with_previous.numerator,
        with_previous.denominator,
        with_previous.value,
        with_previous.ci_low,
        with_previous.ci_high,
        with_previous.suppressed,
        with_previous.suppression_reason,
        case
            when value is null then 'no_target'
            when threshold is not null and direction = 'up'
                then case when value > threshold then 'on_track' else 'off_track' end
            when threshold is not null and direction = 'down'
                then case when value < threshold then 'on_track' else 'off_track' end
            when direction in ('up', 'down') and previous_year = year - 1
                and previous_value is not null
                then case
                    when (direction = 'up' and value > previous_value)
                        or (direction = 'down' and value < previous_value) then 'on_track'
                    else 'off_track'
                end
            else 'no_target'
        end as target_status
    from with_previous
    left join geo_units
        on geo_units.geo_level = with_previous.geo_level
        and geo_units.geo_code = with_previous.geo_code

)

select * from final
order by indicator_id, year, geo_level, geo_code, sex, age_group, breakdown
