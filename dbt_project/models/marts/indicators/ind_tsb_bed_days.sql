-- tsb_bed_days: TSB bed-days (oppholdsdøgn) per year, by health trust (Samdata).
with

{{ indicator_select(
    'tsb_bed_days', ref('int_samdata_tsb_activity'), kind='count',
    numerator='sum(bed_days)',
    geo=[[('rhf', 'rhf_code'), ('hf', 'hf_code')]],
) }}
