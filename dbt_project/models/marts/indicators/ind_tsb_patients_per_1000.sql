-- tsb_patients_per_1000: TSB patients per 1 000 residents aged 18+ on 1 January; for an age
-- band (also by sex), per 1 000 residents in that band. Beside the crude rate, as Kommunehelsa publishes
-- small-area rates:
--   adjustment=age_standardised   direct standardisation to the 2024 population of Norway
--                                 aged 18+ (patients 18+ in each band x the band's share of
--                                 the standard); value_sd carries the Dobson variance term
--   adjustment=moving_average_3y  the three years up to `year` pooled (patients and
--                                 residents summed), for counties and municipalities
with

cells as (

    select * from {{ ref('int_tsb_patient_rate_cells') }}

),

crude as (

    with
    {{ indicator_select(
        'cells', per_unit=1000,
        numerator='sum(patients)',
        denominator='case when grouping(age_group) = 0 then sum(persons) else sum(persons_adult) end',
        lineage=merged_lineage(),
        geo=[[('rhf', 'rhf_code')], [('county', 'county_code'), ('municipality', 'municipality_code')]],
        sex=true, age_group=true, sex_by_age=true,
    ) }}

),

standard as (

    -- the 2024 population of Norway aged 18+ by age band: the weights
    select age_group, cast(sum(persons) / sum(sum(persons)) over () as decimal(38, 18)) as weight
    from cells
    where year = 2024 and age_group <> '0-17'
    group by age_group

),

adult_cells as (

    select cells.*, standard.weight
    from cells
    inner join standard
        on standard.age_group = cells.age_group

),

{% set levels = [('rhf', 'rhf_code'), ('county', 'county_code'), ('municipality', 'municipality_code')] %}
by_band as (

    select
        year,
        {{ geo_level_from_grouping(levels) }} as geo_level,
        {{ geo_code_from_grouping(levels) }} as geo_code,
        case when grouping(sex) = 0 then sex else 'all' end as sex,
        age_group,
        any_value(weight) as weight,
        sum(patients) as patients,
        sum(persons) as persons,
        {{ merged_lineage() }} as load_ids
    from adult_cells
    group by
        year,
        age_group,
        grouping sets ((), (rhf_code), (county_code), (county_code, municipality_code)),
        grouping sets ((), (sex))

),

age_standardised as (

    select
        'tsb_patients_per_1000' as indicator_id,
        cast(year as integer) as year,
        geo_level,
        geo_code,
        sex,
        'all' as age_group,
        'adjustment=age_standardised' as breakdown,
        cast(null as varchar) as parent_breakdown,
        cast(sum(patients) as double) as numerator,
        cast(sum(persons) as double) as denominator,
        -- each band's term as an exact decimal before the sum: a sum of doubles depends on the
        -- order the threads add them in, and a rebuild must give the same bits
        1000.0 * cast(sum(
            cast(cast(weight as double) * patients / cast(persons as double) as decimal(38, 18))
        ) as double) as value,
        -- Dobson et al. (1991): var(ASR) = sum(w^2 d / n^2); the interval model scales it
        -- by the exact Poisson limits of the observed total
        1000.0 * sqrt(cast(sum(
            cast(
                cast(weight as double) * cast(weight as double) * patients
                    / (cast(persons as double) * cast(persons as double))
                as decimal(38, 30)
            )
        ) as double)) as value_sd,
        {{ merged_lineage() }} as load_ids
    from by_band
    where geo_code is not null and persons > 0
    group by all
    -- every band present, or the weights would not add up to one
    having count(*) = (select count(*) from standard)

),

moving_average as (

    {{ moving_average_3y('crude', 1000.0) }}

)

select * from crude
union all
select * from age_standardised
union all
select * from moving_average

-- sqlfluff:exclude_rules:LT02
-- (its GROUPING SETS, which sqlfluff's DuckDB dialect does not parse, confuse the indent rule)
