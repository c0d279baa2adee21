-- The geography dimension: every publishable unit with its name and parent (2024 geography).
select * from {{ ref('int_geo_units') }}
