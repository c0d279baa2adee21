-- Population per year is the same in the codes of the year and in the 2024 geography.
with before as (
    select year, sum(persons) as persons from {{ ref('stg_ssb_population__population') }} group by year
),
after as (
    select year, sum(persons_total) as persons from {{ ref('int_population_by_municipality') }}
    group by year
)
select before.year, before.persons, after.persons as mapped
from before
full outer join after on after.year = before.year
where before.persons is distinct from after.persons
