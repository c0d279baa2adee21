-- brukerplan_no_fixed_housing: share of mapped users without a fixed dwelling, of those with a
-- housing score (8 % in 2014).
with

{{ indicator_select(
    ref('int_brukerplan_user_years'),
    numerator='count(*) filter (where not has_fixed_dwelling)',
    denominator='count(has_fixed_dwelling)',
    geo=[[('county', 'county_code'), ('municipality', 'municipality_code')]], sex=true, age_group=true,
) }}
