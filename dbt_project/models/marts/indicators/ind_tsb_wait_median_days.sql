-- tsb_wait_median_days: median days from referral received to treatment start, over the
-- treatment starts of the year. denominator = the treatment starts.
with

episodes as (

    select * from {{ ref('int_tsb_episodes_enriched') }}
    where wait_days is not null

),

{{ indicator_select(
    'episodes',
    numerator='null',
    denominator='count(*)',
    value='quantile_cont(wait_days, 0.5)',
    geo=[[('rhf', 'rhf_code'), ('hf', 'hf_code')]],
) }}
