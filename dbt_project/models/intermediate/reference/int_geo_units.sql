-- Every unit an indicator can be published for, with its name and parent: the country, the
-- four RHFs, the HF catchment areas, counties and municipalities (2024 geography), counties
-- of earlier geographies, and Kriminalomsorgen's probation offices and regions. A municipality
-- also names the county, HF catchment area and RHF it lies in: the two geographies over the
-- same municipalities that do not nest in each other (disclosure control sums over both).
with

geo as (

    select * from {{ ref('ref_geography_2024') }}

),

units as (

    select
        'national' as geo_level, 'NO' as geo_code, 'Norge' as geo_name,
        cast(null as varchar) as parent_level, cast(null as varchar) as parent_code, 1 as level_order,
        cast(null as varchar) as county_code, cast(null as varchar) as hf_code,
        cast(null as varchar) as rhf_code

    union all

    select distinct
        'rhf' as geo_level, rhf_code as geo_code, rhf_name as geo_name, 'national' as parent_level,
        'NO' as parent_code, 2 as level_order, null as county_code, null as hf_code, null as rhf_code
    from geo

    union all

    select distinct
        'hf' as geo_level, hf_code as geo_code, hf_name as geo_name, 'rhf' as parent_level,
        rhf_code as parent_code, 3 as level_order, null as county_code, null as hf_code, null as rhf_code
    from geo

    union all

    select distinct
        'county' as geo_level, county_code as geo_code, county_name as geo_name,
        'national' as parent_level, 'NO' as parent_code, 2 as level_order,
        null as county_code, null as hf_code, null as rhf_code
    from geo

    union all

    select
        'municipality' as geo_level, municipality_code as geo_code, municipality_name as geo_name,
        'county' as parent_level, county_code as parent_code, 3 as level_order,
        county_code, hf_code, rhf_code
    from geo

    union all

    -- counties of earlier geographies, for sources that report by the county of the time
    select
        'county' as geo_level, county_code as geo_code,
        county_name || ' (' || valid_from || '-' || valid_to || ')' as geo_name,
        'national' as parent_level, 'NO' as parent_code, 2 as level_order,
        null as county_code, null as hf_code, null as rhf_code
    from {{ ref('ref_county_versions') }}
    where county_code not in (select county_code from geo)
    qualify row_number() over (partition by county_code order by valid_to desc) = 1

    union all

    -- the Correctional Service's own units (Kriminalomsorgen)
    select
        unit_level as geo_level, unit_code as geo_code, arg_max(unit_name, year) as geo_name,
        'national' as parent_level, 'NO' as parent_code, 2 as level_order,
        null as county_code, null as hf_code, null as rhf_code
    from {{ ref('stg_kriminalomsorgen__measures') }}
    group by unit_level, unit_code

)

select * from units
