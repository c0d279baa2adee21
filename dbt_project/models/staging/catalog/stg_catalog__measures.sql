with

source as (

    select * from {{ source('catalog', 'catalog_measures') }}

)

select
    cast(measure_id as varchar) as measure_id,
    cast(measure_order as integer) as measure_order,
    cast(goal as integer) as goal,
    cast(due_year as integer) as due_year,
    owner_id,
    owner_no,
    owner_en,
    measure_no,
    measure_en,
    source_ref_no,
    source_ref_en
from source
