-- One row per person and year with a TSB treatment start. Sex, age, residence and main
-- substance are taken from the person's first episode of the year.
with

episodes as (

    select * from {{ ref('int_tsb_episodes_enriched') }}

),

ranked as (

    select
        *,
        row_number() over (
            partition by person_key, year order by treatment_start_date, episode_id
        ) as episode_rank,
        -- free choice counts when any episode of the year used it
        bool_or(is_free_choice) over (partition by person_key, year) as is_free_choice_in_year
    from episodes

)

select
    year,
    person_key,
    sex,
    age_group,
    municipality_code,
    county_code,
    hf_code,
    rhf_code,
    main_substance,
    is_free_choice_in_year as is_free_choice,
    load_id
from ranked
where episode_rank = 1
