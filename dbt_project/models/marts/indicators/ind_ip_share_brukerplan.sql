-- ip_share_brukerplan: share of the users mapped in Brukerplan who have an individual plan
-- (13 % in 2014, Prop. 15 S (2015–2016), ch. 2.3).
with

{{ indicator_select(
    ref('int_brukerplan_user_years'),
    numerator='count(*) filter (where has_individual_plan)',
    denominator='count(*)',
    geo=[[('county', 'county_code'), ('municipality', 'municipality_code')], [('rhf', 'rhf_code')]], sex=true, age_group=true,
) }}
