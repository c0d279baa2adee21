-- Every indicator model's rows in one table, before intervals and disclosure control, with
-- the breakdowns the catalog publishes only for larger areas dropped (`breakdown_levels`:
-- age bands of a municipality's few users are nearly all small counts that protect nothing
-- but cost the secondary suppression around them). Internal: holds the unsuppressed counts
-- the public mart hides.
{% set indicator_models = [] %}
{% for indicator_id in var('published_indicators') %}
    {% do indicator_models.append('ind_' ~ indicator_id) %}
{% endfor %}

with

unioned as (

    {% for model in indicator_models %}
        select * from {{ ref(model) }}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

restrictions as (

    select
        indicator_id,
        dimension,
        from_json(json_extract(breakdown_levels_json, '$.' || dimension), '["VARCHAR"]') as levels
    from (
        select
            indicator_id, breakdown_levels_json,
            unnest(json_keys(breakdown_levels_json)) as dimension
        from {{ ref('stg_catalog__indicators') }}
        where breakdown_levels_json is not null
    )

),

row_dimensions as (

    -- what each row is broken down by: sex, age_group and its categories' keys
    select indicator_id, year, geo_level, geo_code, sex, age_group, breakdown, dimension
    from (
        select
            *,
            list_concat(
                case when sex <> 'all' then ['sex'] else [] end,
                case when age_group <> 'all' then ['age_group'] else [] end,
                case
                    when breakdown = 'total' or breakdown like 'adjustment=%' then []
                    else list_transform(string_split(breakdown, ';'), lambda pair: split_part(pair, '=', 1))
                end
            ) as dimensions
        from unioned
    ) as row_keys, unnest(dimensions) as d (dimension)

),

not_published as (

    select distinct row_dimensions.indicator_id, year, geo_level, geo_code, sex, age_group, breakdown
    from row_dimensions
    inner join restrictions
        on
            restrictions.indicator_id = row_dimensions.indicator_id
            and restrictions.dimension = row_dimensions.dimension
    where not list_contains(restrictions.levels, row_dimensions.geo_level)

),

published as (

    select unioned.*
    from unioned
    anti join not_published
        using (indicator_id, year, geo_level, geo_code, sex, age_group, breakdown)

)

select
    -- a stable key for disclosure control
    row_number() over (
        order by indicator_id, year, geo_level, geo_code, sex, age_group, breakdown
    ) as row_id,
    *
from published
