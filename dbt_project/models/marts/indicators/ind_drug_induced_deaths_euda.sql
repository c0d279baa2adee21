-- drug_induced_deaths_euda: Norway's drug-induced deaths as EUDA's Statistical Bulletin publishes
-- them, by sex (tables DRD-31 and DRD-32; the real figures beside the sample's register series).
with

norway as (

    select * from {{ ref('stg_euda_drug_deaths__deaths') }}
    where country = 'Norway' and sex in ('male', 'female') and deaths is not null

),

{{ indicator_select(
    'norway',
    numerator='sum(deaths)',
    sex=true,
) }}
