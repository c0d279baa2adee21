-- Samdata TSB activity per HF and year, with the HF and RHF codes of the geography.
with

activity as (

    select * from {{ ref('stg_samdata__tsb_activity') }}

),

trusts as (

    select distinct hf_name, hf_code, rhf_code from {{ ref('ref_geography_2024') }}

)

select
    activity.year,
    trusts.rhf_code,
    trusts.hf_code,
    activity.hf_name,
    activity.bed_days,
    activity.admissions,
    activity.outpatient_consultations,
    activity.residential_places_public,
    activity.residential_places_private,
    activity.load_id
from activity
left join trusts
    on trusts.hf_name = activity.hf_name
