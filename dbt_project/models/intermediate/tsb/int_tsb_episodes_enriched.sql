-- TSB episodes with the year of treatment start, age, waiting time and the residence geography.
-- Person-level: stays in the build warehouse, never published.
with

episodes as (

    select * from {{ ref('stg_npr__tsb_episodes') }}

),

geo as (

    select * from {{ ref('ref_geography_2024') }}

),

-- a person lives in one place: a split municipality sends the person to its main successor
crosswalk as (

    select * from {{ ref('ref_municipality_crosswalk') }}
    where is_primary

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
        crosswalk.municipality_code_2024 as municipality_code,
        geo.county_code,
        geo.hf_code,
        geo.rhf_code,
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
    left join crosswalk
        on crosswalk.municipality_code = episodes.residence_municipality_code
        and year(episodes.treatment_start_date) between crosswalk.valid_from and crosswalk.valid_to
    left join geo
        on geo.municipality_code = crosswalk.municipality_code_2024

)

select * from enriched
