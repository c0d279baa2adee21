-- brukerplan_no_work_activity: share of mapped users scoring red or blood-red on work,
-- education and activity, of those with a score on that domain (41 % in 2014).
with

{{ indicator_select(
    ref('int_brukerplan_user_years'),
    numerator="count(*) filter (where work_activity_level in ('rod', 'blodrod'))",
    denominator='count(work_activity_level)',
    geo=[[('county', 'county_code'), ('municipality', 'municipality_code')]], sex=true, age_group=true,
) }}
