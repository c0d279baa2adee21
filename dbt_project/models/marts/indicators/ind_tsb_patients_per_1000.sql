-- tsb_patients_per_1000: TSB patients per 1 000 residents aged 18+ on 1 January; for an age
-- band, per 1 000 residents in that band. Patients and population meet at the finest cell
-- (year, 2024 municipality's county and RHF, sex, age band) so both sum over the same cells.
with

patients as (

    select year, county_code, rhf_code, sex, age_group, count(*) as patients,
        list(distinct load_id) as load_ids
    from {{ ref('int_tsb_patient_years') }}
    group by all

),

population as (

    select year, county_code, rhf_code, sex, age_group,
        sum(persons) as persons,
        sum(persons) filter (where is_adult) as persons_adult,
        list(distinct load_id) as load_ids
    from {{ ref('int_population_cells') }}
    group by all

),

cells as (

    select
        population.year,
        population.county_code,
        population.rhf_code,
        population.sex,
        population.age_group,
        coalesce(patients.patients, 0) as patients,
        population.persons,
        coalesce(population.persons_adult, 0) as persons_adult,
        list_concat(population.load_ids, coalesce(patients.load_ids, [])) as load_ids
    from population
    left join patients
        on patients.year = population.year
        and patients.county_code = population.county_code
        and patients.rhf_code = population.rhf_code
        and patients.sex = population.sex
        and patients.age_group = population.age_group

),

{{ indicator_select(
    'tsb_patients_per_1000', 'cells', kind='rate', per_unit=1000,
    numerator='sum(patients)',
    denominator='case when grouping(age_group) = 0 then sum(persons) else sum(persons_adult) end',
    lineage=merged_lineage(),
    geo=[[('rhf', 'rhf_code')], [('county', 'county_code')]], sex=true, age_group=true,
) }}
