-- detox_followup_24h_share: share of detox discharges followed by a TSB treatment start within
-- 24 hours (the next start may fall after midnight or in the next year). Deaths and moves
-- abroad are not in the denominator.
with

discharges as (

    select * from {{ ref('int_npr_detox_followups') }}
    where is_eligible

),

{{ indicator_select(
    'discharges',
    numerator='count(*) filter (where is_followed_within_24h)',
    denominator='count(*)',
    geo=[[('rhf', 'rhf_code'), ('hf', 'hf_code')]], sex=true, age_group=true,
) }}
