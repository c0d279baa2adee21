-- The long public mart: one row per indicator x year x place x sex x age group x breakdown,
-- with 95 % intervals, disclosure control applied, the change since the plan's baseline and
-- the status against the plan. A hidden row shows
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
        -- the catalog's direction and threshold are the headline's: a category beside it (the
        -- red function level beside green + yellow) has none of its own
        case
            when
                indicators.headline_breakdowns is null
                or list_contains(indicators.headline_breakdowns, value_rows.breakdown)
                then indicators.direction
        end as direction,
        case
            when
                indicators.headline_breakdowns is null
                or list_contains(indicators.headline_breakdowns, value_rows.breakdown)
                then indicators.threshold
        end as threshold
    from value_rows
    inner join disclosure
        on disclosure.row_id = value_rows.row_id
    inner join intervals
        on intervals.row_id = value_rows.row_id
    inner join indicators
        on indicators.indicator_id = value_rows.indicator_id

),

-- status against the plan (Prop. 15 S (2015-2016)): the catalog's threshold where there is
-- one (the golden rule: > 0), else the change since the plan's baseline year with its 95 %
-- interval. A series without a value in the baseline year is measured from its last year
-- before it (a survey), else from its first year after it.
plan_baseline as (

    select year as plan_baseline_year
    from {{ ref('dim_time') }}
    where is_plan_baseline

),

-- the series' baseline year, then the values of that year, over one window per series
series_baseline as (

    select
        visible.*,
        coalesce(
            max(case when value is not null and year <= plan_baseline_year then year end) over series,
            min(case when value is not null and year > plan_baseline_year then year end) over series
        ) as baseline_year
    from visible
    cross join plan_baseline
    window series as (partition by indicator_id, geo_level, geo_code, sex, age_group, breakdown)

),

with_baseline as (

    select
        *,
        max(case when year = baseline_year then value end) over series as baseline_value,
        max(case when year = baseline_year then ci_low end) over series as baseline_ci_low,
        max(case when year = baseline_year then ci_high end) over series as baseline_ci_high
    from series_baseline
    window series as (partition by indicator_id, geo_level, geo_code, sex, age_group, breakdown)

),

changes as (

    select
        *,
        case when value is not null and year > baseline_year then value - baseline_value end
            as change_since_baseline,
        -- normal approximation: an interval's half-width over 1.96 is its standard error; a
        -- value without an interval (a full count, a cost) is taken as exact
        case when value is not null and year > baseline_year then 1.96 * sqrt(
            power(coalesce((ci_high - ci_low) / (2 * 1.96), 0), 2)
            + power(coalesce((baseline_ci_high - baseline_ci_low) / (2 * 1.96), 0), 2)
        ) end as change_margin
    from with_baseline

),

final as (

    select
        changes.indicator_id,
        cast(changes.year as integer) as year,
        changes.geo_level,
        changes.geo_code,
        geo_units.geo_name,
        changes.sex,
        changes.age_group,
        changes.breakdown,
        changes.numerator,
        changes.denominator,
        changes.value,
        changes.ci_low,
        changes.ci_high,
        changes.suppressed,
        changes.suppression_reason,
        case
            when value is null then 'no_target'
            when threshold is not null and direction = 'up'
                then case when value > threshold then 'on_track' else 'off_track' end
            when threshold is not null and direction = 'down'
                then case when value < threshold then 'on_track' else 'off_track' end
            when direction in ('up', 'down') and change_since_baseline is not null
                then case
                    when abs(change_since_baseline) <= change_margin then 'no_significant_change'
                    when (direction = 'up') = (change_since_baseline > 0) then 'on_track'
                    else 'off_track'
                end
            else 'no_target'
        end as target_status,
        case
            when changes.change_since_baseline is not null
                then cast(changes.baseline_year as integer)
        end as baseline_year,
        case when changes.change_since_baseline is not null then changes.baseline_value end
            as baseline_value,
        changes.change_since_baseline,
        changes.change_since_baseline - changes.change_margin as change_ci_low,
        changes.change_since_baseline + changes.change_margin as change_ci_high
    from changes
    left join geo_units
        on
            geo_units.geo_level = changes.geo_level
            and geo_units.geo_code = changes.geo_code

)

select * from final
order by indicator_id, year, geo_level, geo_code, sex, age_group, breakdown
