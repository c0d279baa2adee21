with

source as (

    select * from {{ source('npr', 'npr_outpatient_contacts') }}

),

renamed as (

    select

        ----------  ids
        cast(kontakt_id as varchar) as contact_id,
        cast(episode_id as varchar) as episode_id,
        cast(pasient_lopenr as varchar) as person_key,

        ----------  dimensions
        case kjonn when 1 then 'male' when 2 then 'female' end as sex,
        cast(fodselsar as integer) as birth_year,
        cast(bostedskommune as varchar) as residence_municipality_code,
        cast(rapporteringsenhet as varchar) as reporting_unit_name,
        cast(kontakttype as varchar) as contact_type,

        ----------  dates
        cast(kontakt_dato as date) as contact_date,

        ----------  lineage
        _load_id as load_id,
        _source_file as source_file

    from source

)

select * from renamed
