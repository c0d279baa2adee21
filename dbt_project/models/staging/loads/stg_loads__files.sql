with

source as (

    select * from {{ source('loads', '_loads') }}

),

renamed as (

    select
        ----------  ids
        cast(load_id as varchar) as load_id,
        ----------  the file
        cast(source as varchar) as source_id,
        cast(source_file as varchar) as source_file,
        cast(period as varchar) as period,
        cast(content_hash as varchar) as content_hash,
        ----------  the load
        cast(row_count as bigint) as row_count,
        cast(quarantined_rows as bigint) as quarantined_rows,
        cast(loaded_at as timestamp) as loaded_at
    from source

)

select * from renamed
