-- tsb_wait_mean_days: mean days from referral received to treatment start, over the
-- treatment starts of the year, by residence.
with

episodes as (

    select * from {{ ref('int_tsb_episodes_enriched') }}
    where wait_days is not null

),

{% set levels = [('rhf', 'rhf_code'), ('hf', 'hf_code')] %}
grouped as (

    select
        year,
        {{ geo_level_from_grouping(levels) }} as geo_level,
        {{ geo_code_from_grouping(levels) }} as geo_code,
        sum(wait_days) as total_wait_days,
        count(*) as treatment_starts
    from episodes
    group by grouping sets ((year), (year, rhf_code), (year, rhf_code, hf_code))

)

select
    'tsb_wait_mean_days' as indicator_id,
    year,
    geo_level,
    geo_code,
    'all' as sex,
    'all' as age_group,
    'total' as breakdown,
    cast(total_wait_days as double) as numerator,
    cast(treatment_starts as double) as denominator,
    total_wait_days / treatment_starts as value
from grouped
