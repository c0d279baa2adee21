with

source as (

    select * from {{ source('npr', 'npr_tsb_episodes') }}

),

renamed as (

    select

        ----------  ids
        cast(episode_id as varchar) as episode_id,
        cast(pasient_lopenr as varchar) as person_key,

        ----------  dimensions
        case kjonn when 1 then 'male' when 2 then 'female' end as sex,
        cast(fodselsar as integer) as birth_year,
        cast(bostedskommune as varchar) as residence_municipality_code,
        cast(rapporteringsenhet as varchar) as reporting_unit_name,
        case omsorgsniva when 1 then 'inpatient' when 2 then 'day' when 3 then 'outpatient' end
            as care_level,
        cast(hovedtilstand as varchar) as main_condition_icd10,
        -- the plan's substance groups (Prop. 15 S (2015–2016), ch. 2.1) from the ICD-10 block
        -- of the main condition
        case left(hovedtilstand, 3)
            when 'F10' then 'alcohol'
            when 'F11' then 'opioids'
            when 'F12' then 'cannabis'
            when 'F13' then 'sedatives'
            when 'F14' then 'stimulants'
            when 'F15' then 'stimulants'
            when 'F19' then 'multiple'
            else 'other'
        end as main_substance,
        fritt_behandlingsvalg = 1 as is_free_choice,

        ----------  dates
        cast(henvisning_mottatt as date) as referral_received_date,
        cast(vurdering_dato as date) as assessment_date,
        cast(behandling_start as date) as treatment_start_date,
        cast(episode_slutt as date) as episode_end_date,
        -- date and time where the register has the time (time_precision 'minutt')
        cast(behandling_start as date) + cast(behandling_start_tid as time) as treatment_start_at,
        cast(episode_slutt as date) + cast(episode_slutt_tid as time) as episode_end_at,
        cast(tidspresisjon as varchar) as time_precision,

        ----------  lineage
        _load_id as load_id,
        _source_file as source_file

    from source

)

select * from renamed
