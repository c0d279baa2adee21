with

source as (

    select * from {{ source('dodsarsak', 'dodsarsak_drug_deaths') }}

),

renamed as (

    select

        ----------  dimensions
        cast(aar as integer) as year,
        cast(fylkesnr as varchar) as county_code,
        cast(fylkesnavn as varchar) as county_name,
        case kjonn when 1 then 'male' when 2 then 'female' end as sex,
        cast(aldersgruppe as varchar) as age_group,

        ----------  measures
        cast(antall as bigint) as deaths,

        ----------  lineage
        _load_id as load_id

    from source

)

select * from renamed
