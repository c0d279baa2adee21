-- IS-24/8 FTEs per year are the same in the codes of the year and in the 2024 geography.
with before as (
    select year, sum(fte) as fte from {{ ref('stg_is_24_8__fte') }} group by year
),
after as (
    select year, sum(fte) as fte from {{ ref('int_municipal_fte_2024') }} group by year
)
select before.year, before.fte, after.fte as mapped
from before
full outer join after on after.year = before.year
where before.fte is distinct from after.fte
