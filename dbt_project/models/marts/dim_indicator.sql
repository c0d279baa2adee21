-- The indicator dimension: the catalog (indicators.yml) as a table, one row per indicator.
select * from {{ ref('stg_catalog__indicators') }}
