-- Ungdata counts per municipality (2024 geography), grade and sex. The survey reports per
-- municipality of the year; a municipality later split is counted in its main successor, as
-- respondents cannot be divided.
with

responses as (

    select * from {{ ref('stg_ungdata__responses') }}

),

crosswalk as (

    select * from {{ ref('ref_municipality_crosswalk') }}
    where is_primary

),

geo as (

    select * from {{ ref('ref_geography_2024') }}

)

select
    responses.year,
    crosswalk.municipality_code_2024 as municipality_code,
    geo.county_code,
    responses.grade,
    responses.sex,
    responses.respondents,
    responses.answered_drunk,
    responses.drunk_12m,
    responses.answered_cannabis,
    responses.cannabis_12m,
    responses.load_id
from responses
left join crosswalk
    on crosswalk.municipality_code = responses.municipality_code
    and responses.year between crosswalk.valid_from and crosswalk.valid_to
left join geo
    on geo.municipality_code = crosswalk.municipality_code_2024
