{#- The mart's breakdown text: 'total', or key=value pairs joined by ';' in key order
    (DESIGN.md). `pairs` is a list of (key, column) already in key order. -#}
{% macro breakdown(pairs) -%}
    {%- if pairs | length == 0 -%}
    'total'
    {%- else -%}
    concat_ws(';'{% for key, column in pairs %}, '{{ key }}=' || {{ column }}{% endfor %})
    {%- endif -%}
{%- endmacro %}
