-- TSB episodes with the year of treatment start, age, waiting time and the residence geography.
-- Person-level: stays in the build warehouse, never published.
with

episodes as (

    select * from {{ ref('stg_npr__tsb_episodes') }}

),

-- a person lives in one place: a split municipality sends the person to its main successor
residence as (

    select * from {{ ref('int_municipality_residence_2024') }}

),

enriched as (

    select
        episodes.episode_id,
        episodes.person_key,
        episodes.sex,
        year(episodes.treatment_start_date) as year,
        year(episodes.treatment_start_date) - episodes.birth_year as age,
        {{ age_group('year(episodes.treatment_start_date) - episodes.birth_year') }} as age_group,
        episodes.residence_municipality_code as municipality_code_registered,
        residence.municipality_code_2024 as municipality_code,
        residence.county_code,
        residence.hf_code,
        residence.rhf_code,
        episodes.main_substance,
        episodes.care_level,
        episodes.is_free_choice,
        episodes.referral_received_date,
        episodes.assessment_date,
        episodes.treatment_start_date,
        episodes.episode_end_date,
        episodes.treatment_start_at,
        episodes.time_precision,
        -- waiting time: referral received to treatment start (catalog: tsb_wait_mean_days)
        date_diff('day', episodes.referral_received_date, episodes.treatment_start_date)
            as wait_days,
        episodes.load_id
    from episodes
    left join residence
        on
            residence.municipality_code = episodes.residence_municipality_code
            and year(episodes.treatment_start_date) between residence.valid_from and residence.valid_to

)

select * from enriched
