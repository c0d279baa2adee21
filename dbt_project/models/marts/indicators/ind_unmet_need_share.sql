-- unmet_need_share: per measure, the share of the clients who need it (receive it or lack it)
-- who lack it.
with

{{ indicator_select(
    'unmet_need_share', ref('int_census_client_measures'), kind='share',
    numerator='count(*) filter (where has_unmet_need)',
    denominator='count(*) filter (where receives or has_unmet_need)',
    series=['measure'], breakdowns=['institution_type'],
    geo=[[('rhf', 'rhf_code')]],
) }}
