-- Every unit an indicator can be published for, with its name and parent: the country, the
-- four RHFs, the HF catchment areas, counties and municipalities (2024 geography).
with

geo as (

    select * from {{ ref('ref_geography_2024') }}

),

units as (

    select 'national' as geo_level, 'NO' as geo_code, 'Norge' as geo_name,
        cast(null as varchar) as parent_level, cast(null as varchar) as parent_code, 1 as level_order

    union all

    select distinct 'rhf', rhf_code, rhf_name, 'national', 'NO', 2 from geo

    union all

    select distinct 'hf', hf_code, hf_name, 'rhf', rhf_code, 3 from geo

    union all

    select distinct 'county', county_code, county_name, 'national', 'NO', 2 from geo

    union all

    select 'municipality', municipality_code, municipality_name, 'county', county_code, 3 from geo

)

select * from units
