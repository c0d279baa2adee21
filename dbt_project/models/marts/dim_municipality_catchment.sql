-- Each municipality of the 2024 geography with the county, HF catchment area and RHF it lies
-- in: what the report's maps draw an HF's or an RHF's value on.
select
    geo_code as municipality_code,
    county_code,
    hf_code,
    rhf_code
from {{ ref('int_geo_units') }}
where geo_level = 'municipality'
