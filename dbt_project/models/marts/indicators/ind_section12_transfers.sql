-- section12_transfers: convicts serving in a treatment institution under § 12 of the Execution
-- of Sentences Act, per correctional region; the country is the sum of the regions.
with

transfers as (

    select * from {{ ref('stg_kriminalomsorgen__measures') }}
    where unit_level = 'correctional_region' and measure = 'section12_transfer'

),

{{ indicator_select(
    'transfers',
    numerator='sum(count)',
    geo=[[('correctional_region', 'unit_code')]],
) }}
