-- The parent/children groups a reader could subtract over (total minus the visible parts):
-- a place and the places it is made of (the country and its RHFs or counties, an RHF and its
-- HFs, a county and its municipalities), all sexes and each sex, all ages and each age band,
-- and a breakdown's total and its categories. Disclosure control makes every group safe.
with

value_rows as (

    select
        row_id, indicator_id, year, geo_level, geo_code, sex, age_group, breakdown,
        parent_breakdown, denominator
    from {{ ref('int_indicator_values_unioned') }}

),

geo_units as (

    select * from {{ ref('int_geo_units') }}

),

pairs as (

    -- the country's RHFs and its counties are two groups: each adds up to the country alone
    select 'geography:' || child.geo_level as group_type, parent.row_id as parent_id, child.row_id as child_id,
        parent.denominator as parent_denominator, child.denominator as child_denominator
    from value_rows as child
    inner join geo_units
        on geo_units.geo_level = child.geo_level
        and geo_units.geo_code = child.geo_code
    inner join value_rows as parent
        on parent.indicator_id = child.indicator_id
        and parent.year = child.year
        and parent.sex = child.sex
        and parent.age_group = child.age_group
        and parent.breakdown = child.breakdown
        and parent.geo_level = geo_units.parent_level
        and parent.geo_code = geo_units.parent_code

    union all

    select 'sex', parent.row_id, child.row_id, parent.denominator, child.denominator
    from value_rows as child
    inner join value_rows as parent
        on parent.indicator_id = child.indicator_id
        and parent.year = child.year
        and parent.geo_level = child.geo_level
        and parent.geo_code = child.geo_code
        and parent.age_group = child.age_group
        and parent.breakdown = child.breakdown
        and parent.sex = 'all'
    where child.sex <> 'all'

    union all

    select 'age_group', parent.row_id, child.row_id, parent.denominator, child.denominator
    from value_rows as child
    inner join value_rows as parent
        on parent.indicator_id = child.indicator_id
        and parent.year = child.year
        and parent.geo_level = child.geo_level
        and parent.geo_code = child.geo_code
        and parent.sex = child.sex
        and parent.breakdown = child.breakdown
        and parent.age_group = 'all'
    where child.age_group <> 'all'

    union all

    -- one group per breakdown key: the key the child has and its parent has not
    select
        'category:' || split_part(
            list_filter(
                string_split(child.breakdown, ';'),
                lambda pair: not list_contains(string_split(parent.breakdown, ';'), pair)
            )[1],
            '=',
            1
        ),
        parent.row_id,
        child.row_id,
        parent.denominator,
        child.denominator
    from value_rows as child
    inner join value_rows as parent
        on parent.indicator_id = child.indicator_id
        and parent.year = child.year
        and parent.geo_level = child.geo_level
        and parent.geo_code = child.geo_code
        and parent.sex = child.sex
        and parent.age_group = child.age_group
        and parent.breakdown = child.parent_breakdown
    where child.parent_breakdown is not null

)

select
    group_type,
    parent_id,
    child_id,
    -- categories that split the numerator of one shared denominator (function levels): their
    -- denominators and complements do not add up to the parent's
    bool_and(child_denominator is not distinct from parent_denominator)
        over (partition by group_type, parent_id) and group_type like 'category:%'
        as is_shared_denominator
from pairs
