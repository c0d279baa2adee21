-- One row per census client and measure: receives it, has an unmet need, or neither. A blank
-- on the form counts as not relevant, as the report counts it.
with

clients as (

    select * from {{ ref('int_kartlegging_clients') }}

),

unpivoted as (

    unpivot clients
    on columns('^t_')
    into name measure_column value status_code

)

select
    client_key,
    year,
    institution_type,
    county_code,
    rhf_code,
    sex,
    is_heavy_user,
    heavy_user,
    substr(measure_column, 3) as measure,
    coalesce(status_code, 0) = 1 as receives,
    coalesce(status_code, 0) = 2 as has_unmet_need,
    load_id
from unpivoted
