-- Every county code that has existed since 1838 (ref_municipality_versions) with the RHF of
-- most of its municipalities in the 2024 geography, for sources that report by old counties.
with

versions as (

    select * from {{ ref('ref_municipality_versions') }}

),

crosswalk as (

    select * from {{ ref('ref_municipality_crosswalk') }}
    where is_primary

),

geo as (

    select * from {{ ref('ref_geography_2024') }}

),

counted as (

    select
        versions.county_code,
        geo.rhf_code,
        count(*) as municipalities
    from versions
    inner join crosswalk
        on
            crosswalk.municipality_code = versions.municipality_code
            and crosswalk.valid_from = versions.valid_from
    inner join geo
        on geo.municipality_code = crosswalk.municipality_code_2024
    group by all

)

select
    county_code,
    rhf_code
from counted
qualify row_number() over (partition by county_code order by municipalities desc, rhf_code) = 1
