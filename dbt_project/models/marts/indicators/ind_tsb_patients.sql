-- tsb_patients: distinct persons with a TSB treatment start in the year, by residence, in
-- total, by sex, age band and main substance (Prop. 15 S (2015–2016), ch. 2.1).
with

{{ indicator_select(
    ref('int_tsb_patient_years'),
    numerator='count(*)',
    geo=[[('rhf', 'rhf_code'), ('hf', 'hf_code')]], sex=true, age_group=true, breakdowns=['main_substance'],
) }}
