-- Census clients (one row each) with the RHF of today's geography their county belongs to:
-- the RHF with most of the county's 2024 successor municipalities.
with

clients as (

    select * from {{ ref('stg_kartlegging__clients') }}

),

county_rhf as (

    select * from {{ ref('int_county_rhf') }}

)

select
    clients.client_key,
    clients.year,
    clients.institution_type,
    clients.county_code,
    county_rhf.rhf_code,
    clients.sex,
    clients.is_heavy_user,
    case when clients.is_heavy_user then 'yes' else 'no' end as heavy_user,
    -- the 27 measures, for int_census_client_measures
    columns('^t_'),
    clients.load_id
from clients
left join county_rhf
    on county_rhf.county_code = clients.county_code
