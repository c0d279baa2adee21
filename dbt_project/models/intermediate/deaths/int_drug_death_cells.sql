-- Drug-induced deaths per year, county, sex and age band, the county being the county of the
-- year's own geography: counties merged in 2018 and 2020 and split again in 2024, and the
-- register reports by the county of the time (dim_geography names every version).
select
    year,
    county_code,
    sex,
    age_group,
    deaths,
    -- EMCDDA's rate counts deaths at ages 15-64 over the population 15-64
    age_group not in ('0-14', '65+') as is_aged_15_64,
    load_id
from {{ ref('stg_dodsarsak__drug_deaths') }}
