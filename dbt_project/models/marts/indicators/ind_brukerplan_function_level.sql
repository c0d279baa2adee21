-- brukerplan_function_level: share of mapped users at each overall function level (grønn,
-- gul, rød, blodrød) of those with an overall score. The levels partition the scored users,
-- so every level's denominator is the total row's count; the total row (100 %) is kept as the
-- parent the levels add up to. The catalog's headline, green and yellow together (the target's
-- "better score"), is published as one more category `level=gronn+gul`: summed here, it goes
-- through intervals, suppression and the disclosure audit like every other row (the audit
-- knows a `+` category is the sum of the two it names, and no part of the total).
with

scored as (

    select * from {{ ref('int_brukerplan_user_years') }}
    where overall_function_level is not null

),

counts as (

    with
    {{ indicator_select(
        'scored', kind='count',
        numerator='count(*)',
        geo=[[('county', 'county_code'), ('municipality', 'municipality_code')]], sex=true, age_group=true, breakdowns=['overall_function_level'],
    ) }}

),

levels as (

    select
        counts.indicator_id,
        counts.year,
        counts.geo_level,
        counts.geo_code,
        counts.sex,
        counts.age_group,
        replace(counts.breakdown, 'overall_function_level=', 'level=') as breakdown,
        counts.parent_breakdown,
        counts.numerator,
        totals.numerator as denominator,
        100.0 * counts.numerator / totals.numerator as value,
        counts.value_sd,
        counts.load_ids
    from counts
    inner join counts as totals
        on totals.year = counts.year
        and totals.geo_level = counts.geo_level
        and totals.geo_code = counts.geo_code
        and totals.sex = counts.sex
        and totals.age_group = counts.age_group
        and totals.breakdown = 'total'

),

better_score as (

    select
        indicator_id,
        year,
        geo_level,
        geo_code,
        sex,
        age_group,
        'level=gronn+gul' as breakdown,
        'total' as parent_breakdown,
        sum(numerator) as numerator,
        any_value(denominator) as denominator,
        100.0 * sum(numerator) / any_value(denominator) as value,
        cast(null as double) as value_sd,
        {{ merged_lineage() }} as load_ids
    from levels
    where breakdown in ('level=gronn', 'level=gul')
    group by all

)

select * from levels
union all
select * from better_score

-- sqlfluff:exclude_rules:LT02
-- (its GROUPING SETS, which sqlfluff's DuckDB dialect does not parse, confuse the indent rule)
