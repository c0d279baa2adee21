with

source as (

    select * from {{ source('tiltaksregister', 'tiltaksregister_status') }}

),

renamed as (

    select

        ----------  dimensions
        cast(aar as integer) as year,
        cast(tiltak_id as varchar) as measure_id,
        case status
            when 'ikke_startet' then 'not_started'
            when 'igangsatt' then 'under_way'
            when 'gjennomfort' then 'carried_out'
        end as status,
        cast(dokumentasjon as varchar) as evidence,

        ----------  lineage
        _load_id as load_id

    from source

)

select * from renamed
