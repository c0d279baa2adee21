-- One row per Brukerplan user and year: the latest mapping of the year (a resubmitted or
-- corrected mapping replaces the earlier one), placed in the 2024 geography. Person-level.
with

users as (

    select * from {{ ref('stg_brukerplan__users') }}

),

-- a person lives in one place: a split municipality sends the person to its main successor
residence as (

    select * from {{ ref('int_municipality_residence_2024') }}

),

latest as (

    select *
    from users
    qualify row_number() over (partition by year, user_key order by load_id desc) = 1

)

select
    latest.year,
    latest.user_key,
    latest.sex,
    latest.age,
    {{ age_group('latest.age') }} as age_group,
    latest.municipality_code as municipality_code_registered,
    residence.municipality_code_2024 as municipality_code,
    residence.county_code,
    residence.hf_code,
    residence.rhf_code,
    latest.overall_function_level,
    latest.work_activity_level,
    latest.has_fixed_dwelling,
    latest.has_individual_plan,
    latest.load_id
from latest
left join residence
    on
        residence.municipality_code = latest.municipality_code
        and latest.year between residence.valid_from and residence.valid_to
