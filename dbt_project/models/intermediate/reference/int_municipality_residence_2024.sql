-- Where someone registered in a municipality of a given year lives in the 2024 geography: the
-- main successor of a split municipality (a person or a respondent is not divided between the
-- parts), with its county, HF and RHF. One row per code and period of validity; person-level
-- and survey models join on code and year. Quantities that can be divided (FTEs, population)
-- use the weighted crosswalk instead.
with

crosswalk as (

    select * from {{ ref('ref_municipality_crosswalk') }}
    where is_primary

),

geo as (

    select * from {{ ref('ref_geography_2024') }}

)

select
    crosswalk.municipality_code,
    crosswalk.valid_from,
    crosswalk.valid_to,
    crosswalk.municipality_code_2024,
    geo.county_code,
    geo.hf_code,
    geo.rhf_code
from crosswalk
left join geo
    on geo.municipality_code = crosswalk.municipality_code_2024
