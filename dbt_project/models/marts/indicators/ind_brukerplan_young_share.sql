-- brukerplan_young_share: share of the users mapped in Brukerplan aged 18-24.
with

{{ indicator_select(
    ref('int_brukerplan_user_years'),
    numerator='count(*) filter (where age between 18 and 24)',
    denominator='count(*)',
    geo=[[('county', 'county_code'), ('municipality', 'municipality_code')]], sex=true,
) }}
