-- unmet_need_pct_clients: per measure, the share of all census clients whose staff marked an unmet
-- need (udekket behov) for it (the 2003 census report of SINTEF Helse and Rogalandsforskning,
-- ch. 6.3, Tabell 6-3). Each measure is its own series.
with

{{ indicator_select(
    ref('int_census_client_measures'),
    numerator='count(*) filter (where has_unmet_need)',
    denominator='count(*)',
    series=['measure'], breakdowns=['institution_type', 'heavy_user'], sex=true,
    geo=[[('rhf', 'rhf_code')]],
) }}
