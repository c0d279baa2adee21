with

source as (

    select * from {{ source('samdata', 'samdata_tsb_activity') }}

),

renamed as (

    select

        ----------  dimensions
        cast(aar as integer) as year,
        cast(rhf as varchar) as rhf_name,
        cast(helseforetak as varchar) as hf_name,

        ----------  measures
        cast(oppholdsdogn as bigint) as bed_days,
        cast(innleggelser as bigint) as admissions,
        cast(polikliniske_konsultasjoner as bigint) as outpatient_consultations,
        cast(dognplasser_offentlig as bigint) as residential_places_public,
        cast(dognplasser_privat as bigint) as residential_places_private,

        ----------  lineage
        _load_id as load_id

    from source

)

select * from renamed
