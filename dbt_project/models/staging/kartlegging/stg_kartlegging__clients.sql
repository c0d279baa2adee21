with

source as (

    select * from {{ source('kartlegging', 'kartlegging_clients') }}

),

renamed as (

    select

        ----------  ids
        cast(klient_nr as varchar) as client_key,

        ----------  dimensions
        cast(aar as integer) as year,
        cast(institusjonstype as varchar) as institution_type,
        cast(fylkesnr as varchar) as county_code,
        case kjonn when 1 then 'male' when 2 then 'female' end as sex,
        cast(alder as integer) as age,
        tungt_belastet = 'ja' as is_heavy_user,

        ----------  measures: 0 not relevant, 1 receives, 2 unmet need (blank = not relevant)
        columns('^t_') as "\0",

        ----------  lineage
        _load_id as load_id

    from source

)

select * from renamed
