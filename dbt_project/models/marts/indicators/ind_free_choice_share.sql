-- free_choice_share: share of the year's TSB patients with at least one episode under free choice
-- of treatment (fritt behandlingsvalg, from November 2015; Prop. 15 S (2015–2016), ch. 3.4.5).
with

{{ indicator_select(
    ref('int_tsb_patient_years'),
    numerator='count(*) filter (where is_free_choice)',
    denominator='count(*)',
    geo=[[('rhf', 'rhf_code'), ('hf', 'hf_code')]],
) }}
