-- The long public mart (DESIGN.md): one row per indicator x year x place x breakdown, with
-- disclosure control and the target status applied. Published to the serving file.
{% set indicator_models = [] %}
{% for indicator_id in var('published_indicators') %}
    {% do indicator_models.append('ind_' ~ indicator_id) %}
{% endfor %}

with

unioned as (

    {% for model in indicator_models %}
    select * from {{ ref(model) }}
    {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

indicators as (

    select * from {{ ref('stg_catalog__indicators') }}

),

geo_units as (

    select * from {{ ref('int_geo_units') }}

),

-- primary suppression (khfunctions-style): hide person counts 1-4, and shares whose complement
-- is 1-4; hide means over 1-4 persons
primary_suppressed as (

    select
        unioned.*,
        indicators.is_person_count,
        indicators.kind,
        indicators.direction,
        indicators.threshold,
        case
            when indicators.is_person_count and unioned.numerator between 1 and 4 then 'primary'
            when indicators.is_person_count and indicators.kind = 'share'
                and unioned.denominator - unioned.numerator between 1 and 4 then 'complement'
            when indicators.kind = 'mean' and unioned.denominator between 1 and 4
                then 'denominator'
        end as primary_reason,
        split_part(unioned.breakdown, '=', 1) as breakdown_key
    from unioned
    inner join indicators
        on indicators.indicator_id = unioned.indicator_id

),

-- secondary suppression over categories: when a breakdown has exactly one hidden cell, the
-- total minus the visible cells would reveal it, so hide the smallest visible cell as well
ranked as (

    select
        *,
        count(primary_reason) over category_group as hidden_in_group,
        row_number() over (
            partition by indicator_id, year, geo_level, geo_code, sex, age_group, breakdown_key,
                primary_reason is null
            order by numerator, breakdown
        ) as visible_rank
    from primary_suppressed
    window category_group as (
        partition by indicator_id, year, geo_level, geo_code, sex, age_group, breakdown_key
    )

),

suppressed as (

    select
        *,
        coalesce(
            primary_reason,
            case
                when is_person_count and breakdown <> 'total' and primary_reason is null
                    and hidden_in_group = 1 and visible_rank = 1 then 'secondary'
            end
        ) as suppression_reason
    from ranked

),

-- target status from the catalog: a threshold where there is one (the golden rule: > 0),
-- else the direction against the year before in the same series
with_previous as (

    select
        *,
        lag(value) over (
            partition by indicator_id, geo_level, geo_code, sex, age_group, breakdown
            order by year
        ) as previous_value,
        lag(year) over (
            partition by indicator_id, geo_level, geo_code, sex, age_group, breakdown
            order by year
        ) as previous_year
    from suppressed

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
        case when suppression_reason is null then numerator end as numerator,
        denominator,
        case when suppression_reason is null then value end as value,
        cast(null as double) as ci_low,
        cast(null as double) as ci_high,
        suppression_reason is not null as suppressed,
        suppression_reason,
        case
            when suppression_reason is not null or value is null then 'no_target'
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
