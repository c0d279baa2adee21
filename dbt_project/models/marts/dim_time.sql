-- The time dimension: every year the marts publish, placed against the escalation plan
-- (Prop. 15 S (2015-2016)): 2015 is the baseline, 2016-2020 the plan period.
with

years as (

    select cast(year as integer) as year
    from range(2002, 2025) as t (year)  -- noqa: AL05

)

select
    year,
    case
        when year < 2016 then 'before_plan'
        when year <= 2020 then 'plan_period'
        else 'after_plan'
    end as plan_phase,
    year = 2015 as is_plan_baseline,
    year between 2016 and 2020 as is_plan_year,
    year - 2015 as years_since_baseline
from years
