-- Ungdata counts per municipality (2024 geography), grade and sex. The survey reports per
-- municipality of the year; a municipality later split is counted in its main successor, as
-- respondents cannot be divided; so a 2024 municipality can have one row per municipality
-- of the year that merged into it.
with

responses as (

    select * from {{ ref('stg_ungdata__responses') }}

),

residence as (

    select * from {{ ref('int_municipality_residence_2024') }}

)

select
    responses.year,
    responses.municipality_code as municipality_code_of_year,
    residence.municipality_code_2024 as municipality_code,
    residence.county_code,
    responses.grade,
    responses.sex,
    responses.respondents,
    responses.answered_drunk,
    responses.drunk_12m,
    responses.answered_cannabis,
    responses.cannabis_12m,
    responses.load_id
from responses
left join residence
    on
        residence.municipality_code = responses.municipality_code
        and responses.year between residence.valid_from and residence.valid_to
