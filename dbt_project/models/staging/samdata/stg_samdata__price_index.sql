with

source as (

    select * from {{ source('samdata', 'samdata_price_index') }}

),

renamed as (

    select
        cast(aar as integer) as year,
        cast(prisindeks as double) as price_index,
        _load_id as load_id
    from source

)

select * from renamed
