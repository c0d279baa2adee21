-- drug_induced_deaths_per_100k: drug-induced deaths at ages 15-64 per 100 000 residents aged
-- 15-64 (EMCDDA's definition), by county of the year's geography and sex. Population starts in
-- 2010, so the rate does too.
with

deaths as (

    select year, county_code, sex, sum(deaths) filter (where is_aged_15_64) as deaths,
        list(distinct load_id) as load_ids
    from {{ ref('int_drug_death_cells') }}
    group by all

),

population as (

    select year, county_code_of_year as county_code, sex,
        sum(persons) filter (where is_aged_15_64) as persons,
        list(distinct load_id) as load_ids
    from {{ ref('int_population_cells') }}
    group by all

),

cells as (

    select
        population.year,
        population.county_code,
        population.sex,
        coalesce(deaths.deaths, 0) as deaths,
        population.persons,
        list_concat(population.load_ids, coalesce(deaths.load_ids, [])) as load_ids
    from population
    left join deaths
        on deaths.year = population.year
        and deaths.county_code = population.county_code
        and deaths.sex = population.sex
    where population.year in (select distinct death_years.year from deaths as death_years)

),

{{ indicator_select(
    'cells', per_unit=100000,
    numerator='sum(deaths)',
    denominator='sum(persons)',
    lineage=merged_lineage(),
    geo=[[('county', 'county_code')]], sex=true,
) }}

-- sqlfluff:exclude_rules:LT02
-- (its GROUPING SETS, which sqlfluff's DuckDB dialect does not parse, confuse the indent rule)
