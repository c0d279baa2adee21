-- One row per detox (avrusning) discharge with the person's next TSB treatment start after it,
-- in any later year, and whether that start came within 24 hours (catalog:
-- detox_followup_24h_share). Where either side has dates only (time_precision 'dag'), a start
-- on the day of discharge or the day after counts as within 24 hours. Person-level, internal.
with

stays as (

    select * from {{ ref('stg_npr__detox_stays') }}

),

episodes as (

    select * from {{ ref('int_tsb_episodes_enriched') }}

),

-- a person lives in one place: a split municipality sends the person to its main successor
residence as (

    select * from {{ ref('int_municipality_residence_2024') }}

),

candidates as (

    select
        stays.stay_id,
        episodes.treatment_start_date,
        stays.time_precision = 'minutt' and episodes.time_precision = 'minutt' as is_timed,
        date_diff('minute', stays.discharged_at, episodes.treatment_start_at) / 60.0 as gap_hours
    from stays
    inner join episodes
        on
            episodes.person_key = stays.person_key
            and episodes.treatment_start_date >= stays.discharge_date

),

-- a start earlier on the day of discharge came before it, when the times say so
after_discharge as (

    select
        stay_id,
        treatment_start_date,
        is_timed,
        gap_hours
    from candidates
    where not is_timed or gap_hours >= 0

),

next_contact as (

    select
        stay_id,
        treatment_start_date as next_start_date,
        is_timed as next_is_timed,
        gap_hours as next_gap_hours
    from after_discharge
    qualify row_number() over (partition by stay_id order by treatment_start_date, gap_hours) = 1

)

select
    stays.stay_id,
    year(stays.discharge_date) as year,
    stays.person_key,
    stays.sex,
    {{ age_group('year(stays.discharge_date) - stays.birth_year') }} as age_group,
    residence.municipality_code_2024 as municipality_code,
    residence.hf_code,
    residence.rhf_code,
    stays.discharge_date,
    stays.discharged_at,
    stays.discharged_to,
    -- deaths and moves abroad cannot be followed up (catalog denominator)
    stays.discharged_to not in ('dod', 'utland') as is_eligible,
    next_contact.next_start_date,
    case
        when next_contact.next_is_timed then next_contact.next_gap_hours / 24.0
        else date_diff('day', stays.discharge_date, next_contact.next_start_date)
    end as days_to_next_contact,
    coalesce(
        case
            when next_contact.next_is_timed then next_contact.next_gap_hours <= 24
            else next_contact.next_start_date <= stays.discharge_date + 1
        end,
        false
    ) as is_followed_within_24h,
    stays.load_id
from stays
left join next_contact
    on next_contact.stay_id = stays.stay_id
left join residence
    on
        residence.municipality_code = stays.residence_municipality_code
        and year(stays.discharge_date) between residence.valid_from and residence.valid_to
