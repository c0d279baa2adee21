with

source as (

    select * from {{ source('pasopp', 'pasopp_respondents') }}

),

renamed as (

    select

        ----------  ids
        cast(respondent_id as varchar) as respondent_key,

        ----------  dimensions
        cast(aar as integer) as year,
        cast(rhf as varchar) as rhf_code,

        ----------  answers (1 not at all ... 5 to a very large extent; null = no answer)
        cast(innflytelse as integer) as influence_score,
        cast(individuell_plan as varchar) as individual_plan_answer,
        cast(samarbeid_parorende as integer) as relatives_cooperation_score,
        cast(tilfreds_kommunale_tjenester as integer) as municipal_services_score,

        ----------  lineage
        _load_id as load_id

    from source

)

select * from renamed
