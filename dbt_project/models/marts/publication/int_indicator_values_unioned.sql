-- Every indicator model's rows in one table, before intervals and disclosure control.
-- Internal: holds the unsuppressed counts the public mart hides.
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

)

select
    -- a stable key for the disclosure-control rounds
    row_number() over (
        order by indicator_id, year, geo_level, geo_code, sex, age_group, breakdown
    ) as row_id,
    *
from unioned
