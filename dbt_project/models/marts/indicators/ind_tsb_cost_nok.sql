-- tsb_cost_nok: TSB operating costs, MNOK in current prices, by health trust.
with

costs as (

    select * from {{ ref('int_samdata_costs_fixed_prices') }}
    where sector = 'tsb'

),

{% set levels = [('rhf', 'rhf_code'), ('hf', 'hf_code')] %}
grouped as (

    select
        year,
        {{ geo_level_from_grouping(levels) }} as geo_level,
        {{ geo_code_from_grouping(levels) }} as geo_code,
        sum(cost_mnok_current) as cost_mnok
    from costs
    group by grouping sets ((year), (year, rhf_code), (year, rhf_code, hf_code))

)

select
    'tsb_cost_nok' as indicator_id,
    year,
    geo_level,
    geo_code,
    'all' as sex,
    'all' as age_group,
    'total' as breakdown,
    cast(cost_mnok as double) as numerator,
    cast(null as double) as denominator,
    cast(cost_mnok as double) as value
from grouped
