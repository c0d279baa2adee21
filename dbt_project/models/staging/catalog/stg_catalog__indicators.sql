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
    cast(numerator_definition_no as varchar) as numerator_definition_no,
    cast(numerator_definition_en as varchar) as numerator_definition_en,
    cast(denominator_definition_no as varchar) as denominator_definition_no,
    cast(denominator_definition_en as varchar) as denominator_definition_en,
    source_id,
    source_name_no,
    source_name_en,
    dimensions,
    direction,
    cast(target_text_no as varchar) as target_text_no,
    cast(target_text_en as varchar) as target_text_en,
    cast(threshold as double) as threshold,
    cast(series_break_no as varchar) as series_break_no,
    cast(series_break_en as varchar) as series_break_en,
    source_ref_no,
    source_ref_en,
    cast(notes_no as varchar) as notes_no,
    cast(notes_en as varchar) as notes_en,
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
    cast(headline_json as varchar) as headline_json,
    -- the headline's breakdowns as a list (null: the total is the headline)
    cast(json_extract(headline_json, '$.breakdowns') as varchar[]) as headline_breakdowns
from source
