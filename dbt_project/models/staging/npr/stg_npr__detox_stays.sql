with

source as (

    select * from {{ source('npr', 'npr_detox_stays') }}

),

renamed as (

    select

        ----------  ids
        cast(opphold_id as varchar) as stay_id,
        cast(pasient_lopenr as varchar) as person_key,

        ----------  dimensions
        case kjonn when 1 then 'male' when 2 then 'female' end as sex,
        cast(fodselsar as integer) as birth_year,
        cast(bostedskommune as varchar) as residence_municipality_code,
        cast(rapporteringsenhet as varchar) as reporting_unit_name,
        cast(utskrevet_til as varchar) as discharged_to,

        ----------  dates and times (time_precision 'dag': the times are unknown)
        cast(innskrevet_dato as date) as admission_date,
        cast(utskrevet_dato as date) as discharge_date,
        cast(innskrevet_dato as date) + cast(innskrevet_tid as time) as admitted_at,
        cast(utskrevet_dato as date) + cast(utskrevet_tid as time) as discharged_at,
        cast(tidspresisjon as varchar) as time_precision,

        ----------  lineage
        _load_id as load_id,
        _source_file as source_file

    from source

)

select * from renamed
