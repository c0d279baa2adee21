with

source as (

    select * from {{ source('brukerplan', 'brukerplan_users') }}

),

renamed as (

    select

        ----------  ids
        cast(bruker_id as varchar) as user_key,

        ----------  dimensions
        cast(aar as integer) as year,
        cast(kommunenr as varchar) as municipality_code,
        case kjonn when 1 then 'male' when 2 then 'female' end as sex,
        cast(alder as integer) as age,

        ----------  scores (grønn / gul / rød / blodrød)
        cast(funksjon_samlet as varchar) as overall_function_level,
        cast(fysisk_helse as varchar) as physical_health_level,
        cast(psykisk_helse as varchar) as mental_health_level,
        cast(arbeid_aktivitet as varchar) as work_activity_level,

        ----------  circumstances
        case bolig when 'fast_bolig' then true when 'ikke_fast_bolig' then false end
            as has_fixed_dwelling,
        case individuell_plan when 'ja' then true when 'nei' then false end
            as has_individual_plan,

        ----------  lineage
        _load_id as load_id

    from source

)

select * from renamed
