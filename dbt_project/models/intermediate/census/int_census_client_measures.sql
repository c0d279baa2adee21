-- One row per census client and measure: receives it, has an unmet need, or neither. A blank
-- on the form counts as not relevant, as the report counts it.
with

clients as (

    select * from {{ ref('stg_kartlegging__clients') }}

),

county_rhf as (

    select * from {{ ref('int_county_rhf') }}

),

unpivoted as (

    unpivot clients
    on columns('^t_')
    into name measure_column value status_code

)

select
    unpivoted.client_key,
    unpivoted.year,
    unpivoted.institution_type,
    unpivoted.county_code,
    county_rhf.rhf_code,
    unpivoted.sex,
    unpivoted.is_heavy_user,
    case when unpivoted.is_heavy_user then 'yes' else 'no' end as heavy_user,
    substr(unpivoted.measure_column, 3) as measure,
    coalesce(unpivoted.status_code, 0) = 1 as receives,
    coalesce(unpivoted.status_code, 0) = 2 as has_unmet_need,
    unpivoted.load_id
from unpivoted
left join county_rhf
    on county_rhf.county_code = unpivoted.county_code
