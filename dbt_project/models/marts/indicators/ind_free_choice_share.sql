-- free_choice_share: share of the year's TSB patients with at least one episode under free
-- choice of treatment (fritt behandlingsvalg, from November 2015; 002 L5140-5153).
with

{{ indicator_select(
    'free_choice_share', ref('int_tsb_patient_years'), kind='share',
    numerator='count(*) filter (where is_free_choice)',
    denominator='count(*)',
    geo=[[('rhf', 'rhf_code'), ('hf', 'hf_code')]],
) }}
