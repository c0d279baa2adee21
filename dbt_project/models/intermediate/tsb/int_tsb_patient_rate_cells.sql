-- TSB patients and residents per year, 2024 municipality, sex and age band: the cells every
-- TSB rate sums over (crude, age-standardised, 3-year moving average), so numerator and
-- denominator always cover the same people. Patients with no known residence are not in any
-- cell (they count in tsb_patients nationally).
with

patients as (

    select
        year, municipality_code, sex, age_group, count(*) as patients,
        list(distinct load_id) as load_ids
    from {{ ref('int_tsb_patient_years') }}
    where municipality_code is not null
    group by all

),

population as (

    select
        year, municipality_code, county_code, rhf_code, sex, age_group,
        sum(persons) as persons,
        coalesce(sum(persons) filter (where is_adult), 0) as persons_adult,
        list(distinct load_id) as load_ids
    from {{ ref('int_population_cells') }}
    group by all

)

select
    population.year,
    population.municipality_code,
    population.county_code,
    population.rhf_code,
    population.sex,
    population.age_group,
    coalesce(patients.patients, 0) as patients,
    population.persons,
    population.persons_adult,
    list_concat(population.load_ids, coalesce(patients.load_ids, [])) as load_ids
from population
left join patients
    on
        patients.year = population.year
        and patients.municipality_code = population.municipality_code
        and patients.sex = population.sex
        and patients.age_group = population.age_group
