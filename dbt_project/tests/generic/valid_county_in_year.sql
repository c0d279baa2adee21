{% test valid_county_in_year(model, column_name, year_column) %}
{#- Every county code is one that existed in the row's own year. -#}
select {{ column_name }}, {{ year_column }}
from {{ model }} as m
where {{ column_name }} is not null
    and not exists (
        select 1 from {{ ref('ref_county_versions') }} as v
        where v.county_code = m.{{ column_name }}
            and m.{{ year_column }} between v.valid_from and v.valid_to
    )
{% endtest %}
