-- tsb_admissions: TSB admissions (innleggelser) per year, by health trust (Samdata).
with

{{ indicator_select(
    ref('int_samdata_tsb_activity'),
    numerator='sum(admissions)',
    geo=[[('rhf', 'rhf_code'), ('hf', 'hf_code')]],
) }}
