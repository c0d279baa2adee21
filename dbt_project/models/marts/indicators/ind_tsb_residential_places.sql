-- tsb_residential_places: TSB residential (døgn) places, public and private, per RHF (Samdata;
-- 1 906 places in 2014 of which 1 099 private, Prop. 15 S (2015–2016), ch. 2.2).
with

places as (

    select year, rhf_code, hf_code, 'public' as owner, residential_places_public as places, load_id
    from {{ ref('int_samdata_tsb_activity') }}
    union all
    select year, rhf_code, hf_code, 'private' as owner, residential_places_private as places, load_id
    from {{ ref('int_samdata_tsb_activity') }}

),

{{ indicator_select(
    'places',
    numerator='sum(places)',
    geo=[[('rhf', 'rhf_code')]], breakdowns=['owner'],
) }}
