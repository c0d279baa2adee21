-- tsb_bed_days: TSB bed-days (oppholdsdøgn) per year, by health trust (Samdata).
with

{{ indicator_select(
    ref('int_samdata_tsb_activity'),
    numerator='sum(bed_days)',
    geo=[[('rhf', 'rhf_code'), ('hf', 'hf_code')]],
) }}
