-- FHI exports name places, not codes: the country, a county or a municipality of the 2024
-- geography, joined back by name (a name two municipalities share stays without a code).
with

source as (

    select * from {{ source('fhi_statistikkbank', 'fhi_statistikkbank_values') }}

),

counties as (

    select distinct county_code, county_name from {{ ref('ref_geography_2024') }}

),

municipalities as (

    select municipality_name, min(municipality_code) as municipality_code
    from {{ ref('ref_geography_2024') }}
    group by municipality_name
    having count(*) = 1

),

renamed as (

    select

        ----------  dimensions
        cast(source.tabell as varchar) as table_name,
        cast(source.geografi as varchar) as place_name,
        case
            when source.geografi = 'Hele landet' then 'national'
            when counties.county_code is not null then 'county'
            when municipalities.municipality_code is not null then 'municipality'
        end as geo_level,
        case
            when source.geografi = 'Hele landet' then 'NO'
            else coalesce(counties.county_code, municipalities.municipality_code)
        end as geo_code,
        cast(source.aar as integer) as year,
        case source.kjonn
            when 'kjønn samlet' then 'all'
            when 'gutter' then 'male'
            when 'menn' then 'male'
            when 'jenter' then 'female'
            when 'kvinner' then 'female'
        end as sex,
        cast(source.alder as varchar) as age_label,
        cast(source.dimensjoner as varchar) as table_dimensions,
        cast(source.maltall as varchar) as measure,

        ----------  measures
        cast(source.verdi as double) as value,
        cast(source.status as varchar) as status_symbol,

        ----------  lineage
        source._load_id as load_id

    from source
    left join counties on counties.county_name = source.geografi
    left join municipalities on municipalities.municipality_name = source.geografi

)

select * from renamed
