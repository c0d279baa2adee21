{#- Geography columns for a GROUP BY GROUPING SETS over rhf/hf or county/municipality. The
    finest grouped column that is present names the level. -#}
{% macro geo_level_from_grouping(levels) -%}
    case
    {%- for level, column in levels | reverse %}
        when grouping({{ column }}) = 0 then '{{ level }}'
    {%- endfor %}
        else 'national'
    end
{%- endmacro %}

{% macro geo_code_from_grouping(levels) -%}
    case
    {%- for level, column in levels | reverse %}
        when grouping({{ column }}) = 0 then {{ column }}
    {%- endfor %}
        else 'NO'
    end
{%- endmacro %}
