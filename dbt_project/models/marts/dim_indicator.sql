-- The indicator dimension: the catalog (indicators.yml) as a table, one row per indicator.
-- (headline_json is published; its parsed list stays internal to the marts that use it)
select * exclude (headline_breakdowns) from {{ ref('stg_catalog__indicators') }}
