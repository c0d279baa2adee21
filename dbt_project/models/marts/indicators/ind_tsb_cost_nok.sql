-- tsb_cost_nok: TSB operating costs, MNOK in current prices, by health trust (Samdata). The
-- exact decimal costs are summed before the cast, so the sum does not depend on thread order.
with

costs as (

    select * from {{ ref('int_samdata_costs_fixed_prices') }}
    where sector = 'tsb'

),

{{ indicator_select(
    'costs',
    numerator='sum(cost_mnok_current)',
    geo=[[('rhf', 'rhf_code'), ('hf', 'hf_code')]],
) }}
