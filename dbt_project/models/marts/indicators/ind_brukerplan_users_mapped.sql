-- brukerplan_users_mapped: users mapped in Brukerplan (17 256 in 2014, 11 372 in 2013).
with

{{ indicator_select(
    ref('int_brukerplan_user_years'),
    numerator='count(*)',
    geo=[[('county', 'county_code'), ('municipality', 'municipality_code')]],
) }}
