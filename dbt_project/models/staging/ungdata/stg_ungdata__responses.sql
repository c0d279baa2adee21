with

source as (

    select * from {{ source('ungdata', 'ungdata_responses') }}

),

renamed as (

    select

        ----------  dimensions
        cast(aar as integer) as year,
        cast(kommunenr as varchar) as municipality_code,
        cast(klassetrinn as varchar) as grade,
        case kjonn when 1 then 'male' when 2 then 'female' end as sex,

        ----------  measures
        cast(respondenter as bigint) as respondents,
        cast(svar_beruset as bigint) as answered_drunk,
        cast(beruset_12m as bigint) as drunk_12m,
        cast(svar_cannabis as bigint) as answered_cannabis,
        cast(cannabis_12m as bigint) as cannabis_12m,

        ----------  lineage
        _load_id as load_id

    from source

)

select * from renamed
