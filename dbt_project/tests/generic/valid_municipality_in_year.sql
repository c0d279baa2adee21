{% test valid_municipality_in_year(model, column_name, year_column) %}
{#- Every municipality code is one that was valid in the row's own year. -#}
select {{ column_name }}, {{ year_column }}
from {{ model }} as m
where {{ column_name }} is not null
    and not exists (
        select 1 from {{ ref('ref_municipality_versions') }} as v
        where v.municipality_code = m.{{ column_name }}
            and m.{{ year_column }} between v.valid_from and v.valid_to
    )
{% endtest %}
