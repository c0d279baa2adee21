{% test unique_combination(model, columns) %}
{#- No two rows share the values of `columns` (the model's grain). -#}
select {{ columns | join(', ') }}, count(*) as n
from {{ model }}
group by {{ columns | join(', ') }}
having count(*) > 1
{% endtest %}
