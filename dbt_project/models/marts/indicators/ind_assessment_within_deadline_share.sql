-- assessment_within_deadline_share: share of the year's assessed TSB referrals assessed within
-- the legal deadline in working days (30, then 10 from 1 November 2015; ref_assessment_deadlines).
-- Referrals received before 2010 are not all in the extracts (those treated before 2010 are
-- missing), so the series starts in 2010.
with

referrals as (

    select * from {{ ref('int_tsb_referral_assessments') }}
    where year between 2010 and 2024

),

{{ indicator_select(
    'referrals',
    numerator='count(*) filter (where is_within_deadline)',
    denominator='count(*)',
    geo=[[('rhf', 'rhf_code'), ('hf', 'hf_code')]],
) }}
