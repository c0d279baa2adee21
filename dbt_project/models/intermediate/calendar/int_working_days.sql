-- One row per calendar day 2000-2030 with a running count of working days (weekdays that are
-- not public holidays), so the working days between two dates is a subtraction.
with

days as (

    select cast(day as date) as calendar_date
    from range(date '2000-01-01', date '2031-01-01', interval 1 day) as t (day)  -- noqa: AL05

),

holidays as (

    select * from {{ ref('ref_public_holidays') }}

),

flagged as (

    select
        days.calendar_date,
        isodow(days.calendar_date) <= 5 and holidays.holiday_date is null as is_working_day
    from days
    left join holidays
        on holidays.holiday_date = days.calendar_date

)

select
    calendar_date,
    is_working_day,
    -- working days up to and including this date
    sum(case when is_working_day then 1 else 0 end) over (order by calendar_date) as working_day_number
from flagged
