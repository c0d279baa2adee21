-- detox_followup_median_days: median days from detox discharge to the next TSB treatment start,
-- over the discharges that have one. denominator = those discharges.
with

discharges as (

    select * from {{ ref('int_npr_detox_followups') }}
    where is_eligible and next_start_date is not null

),

{{ indicator_select(
    'discharges',
    numerator='null',
    denominator='count(*)',
    value='quantile_cont(days_to_next_contact, 0.5)',
    geo=[[('rhf', 'rhf_code'), ('hf', 'hf_code')]],
) }}
