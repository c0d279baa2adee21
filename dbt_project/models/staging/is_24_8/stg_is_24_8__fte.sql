with

source as (

    select * from {{ source('is_24_8', 'is_24_8_fte') }}

),

renamed as (

    select

        ----------  dimensions
        cast(aar as integer) as year,
        cast(kommunenr as varchar) as municipality_code,
        cast(kommunenavn as varchar) as municipality_name,
        cast(arbeidsomrade as varchar) as work_category,
        cast(malgruppe as varchar) as target_group,

        ----------  measures
        -- kept exact (decimal) so national sums match the printed table to the tenth
        cast(arsverk as decimal(12, 1)) as fte,

        ----------  lineage
        _load_id as load_id

    from source

)

select * from renamed
