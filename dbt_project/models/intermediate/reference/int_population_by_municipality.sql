-- Population on 1 January per municipality and year, in the bands the rates need.
with

population as (

    select * from {{ ref('stg_ssb_population__population') }}

)

select
    year,
    municipality_code,
    sum(persons) as persons_total,
    sum(persons) filter (where age >= 18) as persons_adults,
    sum(persons) filter (where age < 18) as persons_children
from population
group by year, municipality_code
