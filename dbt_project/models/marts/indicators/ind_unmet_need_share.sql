-- unmet_need_share: per measure, the share of the clients who need it (receive it or lack it)
-- who lack it.
with

{{ indicator_select(
    ref('int_census_client_measures'),
    numerator='count(*) filter (where has_unmet_need)',
    denominator='count(*) filter (where receives or has_unmet_need)',
    series=['measure'], breakdowns=['institution_type'],
    geo=[[('rhf', 'rhf_code')]],
) }}
