-- tsb_wait_mean_days: mean days from referral received to treatment start, over the
-- treatment starts of the year, by residence. numerator = the days summed, denominator = the
-- treatment starts; the standard deviation from exact integer sums (a double running sum would
-- depend on thread order).
with

episodes as (

    select * from {{ ref('int_tsb_episodes_enriched') }}
    where wait_days is not null

),

{{ indicator_select(
    'episodes',
    numerator='sum(wait_days)',
    denominator='count(*)',
    value='sum(wait_days) / count(*)',
    value_sd='sqrt((sum(wait_days * wait_days) - sum(wait_days) * sum(wait_days) / count(*))'
        ~ ' / nullif(count(*) - 1, 0))',
    geo=[[('rhf', 'rhf_code'), ('hf', 'hf_code')]], sex=true, age_group=true,
) }}
