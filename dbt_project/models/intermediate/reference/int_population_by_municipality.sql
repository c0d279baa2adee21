-- Population on 1 January per 2024 municipality and year, in the bands the rates need. The
-- codes of each year are moved to the 2024 geography (split municipalities by weight).
with

population as (

    select * from {{ ref('stg_ssb_population__population') }}

),

crosswalk as (

    select * from {{ ref('ref_municipality_crosswalk') }}

)

select
    population.year,
    crosswalk.municipality_code_2024 as municipality_code,
    sum(population.persons * crosswalk.weight) as persons_total,
    sum(population.persons * crosswalk.weight) filter (where population.age >= 18) as persons_adults,
    sum(population.persons * crosswalk.weight) filter (where population.age < 18) as persons_children,
    min(population.load_id) as load_id
from population
inner join crosswalk
    on crosswalk.municipality_code = population.municipality_code
    and population.year between crosswalk.valid_from and crosswalk.valid_to
group by all
