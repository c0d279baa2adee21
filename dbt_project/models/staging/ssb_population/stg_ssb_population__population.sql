with

source as (

    select * from {{ source('ssb_population', 'ssb_population') }}

),

renamed as (

    select

        ----------  dimensions
        cast(tid as integer) as year,
        cast(region as varchar) as municipality_code,
        case kjonn when 1 then 'male' when 2 then 'female' when 0 then 'both' end as sex,
        cast(alder as integer) as age,

        ----------  measures
        cast(personer as bigint) as persons,
        cast(status as varchar) as status_symbol,

        ----------  lineage
        _load_id as load_id

    from source

)

select * from renamed
