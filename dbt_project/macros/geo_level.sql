{#- Geography columns for a GROUP BY GROUPING SETS over rhf/hf or county/municipality. The
    finest grouped column that is present names the level. -#}
{#- With no levels the country is the only one (a case with no when is no SQL). -#}
{% macro geo_level_from_grouping(levels) -%}
    {%- if not levels %}'national'{% else -%}
    case
    {%- for level, column in levels | reverse %}
        when grouping({{ column }}) = 0 then '{{ level }}'
    {%- endfor %}
        else 'national'
    end
    {%- endif %}
{%- endmacro %}

{% macro geo_code_from_grouping(levels) -%}
    {%- if not levels %}'NO'{% else -%}
    case
    {%- for level, column in levels | reverse %}
        when grouping({{ column }}) = 0 then {{ column }}
    {%- endfor %}
        else 'NO'
    end
    {%- endif %}
{%- endmacro %}
