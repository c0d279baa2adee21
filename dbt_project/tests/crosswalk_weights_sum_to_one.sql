-- Splitting a municipality over its 2024 successors must neither lose nor add anything.
select municipality_code, valid_from, sum(weight) as total_weight
from {{ ref('ref_municipality_crosswalk') }}
group by municipality_code, valid_from
having sum(weight) <> 1
