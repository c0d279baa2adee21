-- tsb_patients: distinct persons with a TSB treatment start in the year, by residence,
-- in total and by main substance.
with

patient_years as (

    select * from {{ ref('int_tsb_patient_years') }}

),

{% set levels = [('rhf', 'rhf_code'), ('hf', 'hf_code')] %}
grouped as (

    select
        year,
        {{ geo_level_from_grouping(levels) }} as geo_level,
        {{ geo_code_from_grouping(levels) }} as geo_code,
        case when grouping(main_substance) = 0 then 'main_substance=' || main_substance
            else 'total' end as breakdown,
        count(*) as patients
    from patient_years
    group by grouping sets (
        (year), (year, rhf_code), (year, rhf_code, hf_code),
        (year, main_substance), (year, rhf_code, main_substance),
        (year, rhf_code, hf_code, main_substance)
    )

)

select
    'tsb_patients' as indicator_id,
    year,
    geo_level,
    geo_code,
    'all' as sex,
    'all' as age_group,
    breakdown,
    cast(patients as double) as numerator,
    cast(null as double) as denominator,
    cast(patients as double) as value
from grouped
