-- Population on 1 January per year, 2024 municipality, sex and age band, with the county,
-- HF and RHF of the 2024 geography: the denominators of the rates. Codes of each year are
-- moved to 2024 by the crosswalk weights (split municipalities by population share). Also
-- keeps the county of the year's own geography, for sources that report by it.
with

population as (

    select * from {{ ref('stg_ssb_population__population') }}

),

crosswalk as (

    select * from {{ ref('ref_municipality_crosswalk') }}

),

geo as (

    select * from {{ ref('ref_geography_2024') }}

)

select
    population.year,
    crosswalk.municipality_code_2024 as municipality_code,
    geo.county_code,
    left(population.municipality_code, 2) as county_code_of_year,
    geo.hf_code,
    geo.rhf_code,
    population.sex,
    {{ age_group('population.age') }} as age_group,
    population.age between 15 and 64 as is_aged_15_64,
    population.age >= 18 as is_adult,
    sum(population.persons * crosswalk.weight) as persons,
    min(population.load_id) as load_id
from population
inner join crosswalk
    on
        crosswalk.municipality_code = population.municipality_code
        and population.year between crosswalk.valid_from and crosswalk.valid_to
left join geo
    on geo.municipality_code = crosswalk.municipality_code_2024
-- the rates are by sex: a both-sexes export (a statbank download without the sex split) stays
-- in staging and gives no cells, it would count each person again beside a split one
where population.sex in ('male', 'female')
group by all
