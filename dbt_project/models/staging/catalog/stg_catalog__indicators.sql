with

source as (

    select * from {{ source('catalog', 'catalog_indicators') }}

)

select
    cast(indicator_id as varchar) as indicator_id,
    cast(catalog_order as integer) as catalog_order,
    name_no,
    name_en,
    cast(goal as integer) as goal,
    goal_no,
    goal_en,
    effort_area,
    effort_area_no,
    effort_area_en,
    kind,
    unit,
    numerator_definition,
    denominator_definition,
    source_id,
    source_name,
    dimensions,
    direction,
    target_text,
    cast(threshold as double) as threshold,
    series_break,
    source_ref_no,
    source_ref_en,
    notes,
    priority,
    cast(is_person_count as boolean) as is_person_count,
    cast(is_denominator_person_count as boolean) as is_denominator_person_count,
    cast(suppression_limit as integer) as suppression_limit,
    cast(protection_level as integer) as protection_level,
    cast(numerator_is as varchar) as numerator_is,
    cast(denominator_is as varchar) as denominator_is,
    cast(standard_ages as varchar) as standard_ages,
    cast(standard_year as integer) as standard_year,
    cast(breakdown_levels_json as varchar) as breakdown_levels_json,
    baselines_json,
    cast(headline_json as varchar) as headline_json
from source
