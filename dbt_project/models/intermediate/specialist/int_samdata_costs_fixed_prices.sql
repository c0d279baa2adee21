-- Samdata operating costs per HF and sector in current and fixed (2024) prices.
with

costs as (

    select * from {{ ref('stg_samdata__operating_costs') }}

),

prices as (

    select * from {{ ref('stg_samdata__price_index') }}

),

trusts as (

    select distinct hf_name, hf_code, rhf_code from {{ ref('ref_geography_2024') }}

)

select
    costs.year,
    trusts.rhf_code,
    trusts.hf_code,
    costs.hf_name,
    costs.sector,
    costs.cost_mnok_current,
    prices.price_index,
    costs.cost_mnok_current * 100.0 / prices.price_index as cost_mnok_fixed_2024,
    costs.load_id
from costs
left join trusts
    on trusts.hf_name = costs.hf_name
left join prices
    on prices.year = costs.year
