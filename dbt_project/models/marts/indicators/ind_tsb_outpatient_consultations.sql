-- tsb_outpatient_consultations: TSB outpatient consultations (polikliniske konsultasjoner) per
-- year, by health trust (Samdata).
with

{{ indicator_select(
    ref('int_samdata_tsb_activity'),
    numerator='sum(outpatient_consultations)',
    geo=[[('rhf', 'rhf_code'), ('hf', 'hf_code')]],
) }}
