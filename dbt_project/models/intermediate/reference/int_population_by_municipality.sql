-- Population on 1 January per 2024 municipality and year, in the bands the per-inhabitant
-- rates of IS-24/8 need: int_population_cells (already moved to the 2024 geography by the
-- crosswalk weights) summed over sex and age.
select
    year,
    municipality_code,
    sum(persons) as persons_total,
    sum(persons) filter (where is_adult) as persons_adults,
    sum(persons) filter (where not is_adult) as persons_children,
    min(load_id) as load_id
from {{ ref('int_population_cells') }}
group by year, municipality_code
