-- One row per TSB referral with a registered assessment: working days from receipt to
-- assessment, and the legal deadline in force on the day the referral was received.
with

episodes as (

    select * from {{ ref('int_tsb_episodes_enriched') }}
    where assessment_date is not null

),

working_days as (

    select * from {{ ref('int_working_days') }}

),

deadlines as (

    select * from {{ ref('ref_assessment_deadlines') }}

)

select
    episodes.episode_id,
    year(episodes.referral_received_date) as year,
    episodes.person_key,
    episodes.sex,
    episodes.age_group,
    episodes.hf_code,
    episodes.rhf_code,
    episodes.referral_received_date,
    episodes.assessment_date,
    -- working days after the day of receipt, up to and including the day of assessment
    assessed.working_day_number - received.working_day_number as assessment_working_days,
    deadlines.working_days as deadline_working_days,
    assessed.working_day_number - received.working_day_number <= deadlines.working_days
        as is_within_deadline,
    episodes.load_id
from episodes
inner join working_days as received
    on received.calendar_date = episodes.referral_received_date
inner join working_days as assessed
    on assessed.calendar_date = episodes.assessment_date
inner join deadlines
    on episodes.referral_received_date between deadlines.valid_from and deadlines.valid_to
