with

source as (

    select * from {{ source('euda_drug_deaths', 'euda_drug_deaths') }}

),

renamed as (

    select

        ----------  dimensions
        cast(aar as integer) as year,
        cast(land as varchar) as country,
        case kjonn when 'M' then 'male' when 'F' then 'female' when 'T' then 'both' end as sex,
        cast(aldersgruppe as varchar) as age_group,
        cast(tabell as varchar) as bulletin_table,
        fotnote is not null as has_footnote,

        ----------  measures
        cast(dodsfall as bigint) as deaths,

        ----------  lineage
        _load_id as load_id

    from source

)

select * from renamed
