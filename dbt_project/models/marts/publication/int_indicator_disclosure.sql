-- Disclosure control as Kommunehelsa does it (helseprofil/khfunctions, R/censoring.R), one row
-- per indicator row with what is hidden and why:
--   primary      the person count in the numerator is 1..limit
--   complement   a share's denominator minus numerator is 1..limit
--   denominator  the persons a share, mean or median is taken over are 1..limit
--   series       more than half of a series' years are hidden: the whole series is
--   secondary    hidden so that no group (int_indicator_disclosure_groups) can be subtracted
--                down to a count of 1..limit: while a visible parent minus its visible
--                children leaves 1..limit persons in the numerator, the denominator or a
--                share's complement, the smallest visible child is hidden too
-- The limit is the catalog's suppression_limit (default 4). Secondary rounds repeat until one
-- hides nothing; a data test checks the last round did.
{% set rounds = var('disclosure_rounds', 8) %}

with

value_rows as (

    select * from {{ ref('int_indicator_values_unioned') }}

),

indicators as (

    select * from {{ ref('stg_catalog__indicators') }}

),

groups as (

    select * from {{ ref('int_indicator_disclosure_groups') }}

),

primary_flags as (

    select
        value_rows.row_id,
        value_rows.indicator_id,
        value_rows.geo_level,
        value_rows.geo_code,
        value_rows.sex,
        value_rows.age_group,
        value_rows.breakdown,
        value_rows.numerator,
        value_rows.denominator,
        indicators.kind = 'share' as is_share,
        coalesce(indicators.is_person_count, false) as is_numerator_sensitive,
        coalesce(indicators.is_denominator_person_count, false) as is_denominator_sensitive,
        indicators.suppression_limit as suppression_limit,
        case
            when indicators.is_denominator_person_count
                and value_rows.denominator between 1 and indicators.suppression_limit
                then 'denominator'
            when indicators.is_person_count
                and value_rows.numerator between 1 and indicators.suppression_limit
                then 'primary'
            when indicators.is_person_count and indicators.kind = 'share'
                and value_rows.denominator - value_rows.numerator
                    between 1 and indicators.suppression_limit
                then 'complement'
        end as primary_reason
    from value_rows
    inner join indicators
        on indicators.indicator_id = value_rows.indicator_id

),

series_flags as (

    select
        *,
        count(primary_reason) over series as hidden_years,
        count(*) over series as series_years
    from primary_flags
    window series as (
        partition by indicator_id, geo_level, geo_code, sex, age_group, breakdown
    )

),

round_0 as materialized (

    select
        row_id,
        numerator,
        denominator,
        is_share,
        is_numerator_sensitive,
        is_denominator_sensitive,
        suppression_limit,
        coalesce(
            primary_reason,
            case when series_years >= 3 and hidden_years * 2 > series_years then 'series' end
        ) as reason,
        -- a weak series hides its denominators too where they count persons
        coalesce(primary_reason, '') = 'denominator'
            or (series_years >= 3 and hidden_years * 2 > series_years and is_denominator_sensitive)
            as is_denominator_hidden,
        false as is_new_in_round
    from series_flags

),

{% for k in range(1, rounds + 1) %}
{% set previous = 'round_' ~ (k - 1) %}
-- round {{ k }}: what each group's hidden children add up to, in each measure an attacker
-- can subtract (numerator, denominator, complement)
residuals_{{ k }} as (

    select
        groups.group_type,
        groups.parent_id,
        any_value(groups.is_shared_denominator) as is_shared_denominator,
        -- the parent minus its visible children: what a reader can work out the hidden ones
        -- add up to (children that do not add up to the parent only make this larger)
        any_value(parent.numerator)
            - coalesce(sum(child.numerator) filter (where child.reason is null), 0)
            as hidden_numerator,
        any_value(parent.denominator)
            - coalesce(sum(child.denominator) filter (where not child.is_denominator_hidden), 0)
            as hidden_denominator,
        any_value(parent.denominator - parent.numerator)
            - coalesce(
                sum(child.denominator - child.numerator)
                    filter (where child.reason is null and not child.is_denominator_hidden),
                0
            ) as hidden_complement,
        count(*) filter (where child.reason is not null) as hidden_children,
        count(*) filter (where child.is_denominator_hidden) as hidden_denominator_children
    from groups
    inner join {{ previous }} as child
        on child.row_id = groups.child_id
    inner join {{ previous }} as parent
        on parent.row_id = groups.parent_id
    group by groups.group_type, groups.parent_id

),

unsafe_{{ k }} as (

    select residuals.group_type, residuals.parent_id, 'numerator' as measure
    from residuals_{{ k }} as residuals
    inner join {{ previous }} as parent
        on parent.row_id = residuals.parent_id
    where parent.reason is null and parent.is_numerator_sensitive
        and residuals.hidden_children > 0
        and residuals.hidden_numerator between 1 and parent.suppression_limit

    union all

    select residuals.group_type, residuals.parent_id, 'denominator'
    from residuals_{{ k }} as residuals
    inner join {{ previous }} as parent
        on parent.row_id = residuals.parent_id
    where not parent.is_denominator_hidden and parent.is_denominator_sensitive
        and not residuals.is_shared_denominator
        and residuals.hidden_denominator_children > 0
        and residuals.hidden_denominator between 1 and parent.suppression_limit

    union all

    select residuals.group_type, residuals.parent_id, 'complement'
    from residuals_{{ k }} as residuals
    inner join {{ previous }} as parent
        on parent.row_id = residuals.parent_id
    where parent.reason is null and not parent.is_denominator_hidden
        and parent.is_share and parent.is_numerator_sensitive
        and not residuals.is_shared_denominator
        and residuals.hidden_children > 0
        and residuals.hidden_complement between 1 and parent.suppression_limit

),

-- the smallest visible child with something to add, per unsafe group and measure
candidates_{{ k }} as (

    select
        unsafe.group_type,
        unsafe.parent_id,
        unsafe.measure,
        child.row_id
    from unsafe_{{ k }} as unsafe
    inner join groups
        on groups.group_type = unsafe.group_type
        and groups.parent_id = unsafe.parent_id
    inner join {{ previous }} as child
        on child.row_id = groups.child_id
    where case unsafe.measure
        when 'numerator' then child.reason is null and child.numerator > 0
        when 'denominator' then not child.is_denominator_hidden and child.denominator > 0
        else child.reason is null and child.denominator - child.numerator > 0
    end
    qualify row_number() over (
        partition by unsafe.group_type, unsafe.parent_id, unsafe.measure
        order by case unsafe.measure
                when 'numerator' then child.numerator
                when 'denominator' then child.denominator
                else child.denominator - child.numerator
            end,
            child.row_id
    ) = 1

),

-- a group with no visible child left hides its parent
picks_{{ k }} as (

    select row_id, measure from candidates_{{ k }}

    union all

    select unsafe.parent_id, unsafe.measure
    from unsafe_{{ k }} as unsafe
    anti join candidates_{{ k }} as candidates
        on candidates.group_type = unsafe.group_type
        and candidates.parent_id = unsafe.parent_id
        and candidates.measure = unsafe.measure

),

round_{{ k }} as materialized (

    select
        current_state.* exclude (reason, is_denominator_hidden, is_new_in_round),
        coalesce(
            current_state.reason,
            case when picked.row_id is not null then 'secondary' end
        ) as reason,
        current_state.is_denominator_hidden or coalesce(picked.hides_denominator, false)
            as is_denominator_hidden,
        picked.row_id is not null and current_state.reason is null as is_new_in_round
    from {{ previous }} as current_state
    left join (
        select row_id, bool_or(measure = 'denominator') as hides_denominator
        from picks_{{ k }}
        group by row_id
    ) as picked
        on picked.row_id = current_state.row_id

),
{% endfor %}

final as (

    select
        row_id,
        reason as suppression_reason,
        reason is not null as is_suppressed,
        is_denominator_hidden,
        -- rows the last round still had to hide: the data test wants none
        is_new_in_round as is_hidden_in_last_round
    from round_{{ rounds }}

)

select * from final
