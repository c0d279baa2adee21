{#- One indicator model in the standard columns the long mart unions (mart_indicator_values.yml), from a
    relation with one row per person, episode, respondent or cell.

    geo: hierarchies of (level, column), e.g. [[('rhf', 'rhf_code'), ('hf', 'hf_code')]]; every
         prefix of each hierarchy is a level, and the country is always one.
    breakdowns: columns published as breakdown 'column=value', one at a time.
    series: columns that split every row into separate series (the census measure): always
         grouped, and part of every breakdown, keys in alphabetical order.
    sex / age_group: publish the sex and age bands beside 'all'; sex_by_age: also each sex's
         age bands (what an age-standardised rate by sex weights).
    numerator / denominator / value / value_sd: aggregate expressions. value defaults by kind:
         share = 100 * numerator / denominator, rate = per_unit * numerator / denominator,
         count = numerator.
    lineage: aggregate giving the sorted list of raw load ids behind each row; the default
         reads a load_id column, cells that carry lists of them use merged_lineage().

    Grouping sets keep one breakdown at a time at every level, so each breakdown's categories
    add up to its total: the disclosure-control model relies on that. The macro writes CTEs
    and a final select: call it after `with` (and after the model's own CTEs). -#}
{% macro indicator_select(
    relation, numerator, denominator=none, value=none, value_sd=none,
    geo=[], breakdowns=[], series=[], sex=false, age_group=false, sex_by_age=false, per_unit=none,
    lineage='list(distinct load_id order by load_id)', kind=none
) %}
{#- the indicator's id and kind are its catalog entry's, in the model's meta (the YAML that
    `rusmonitor docs` generates); a model that counts first and divides later says kind='count'.
    dbt applies the YAML only after parsing the SQL, so at parse time they are placeholders. -#}
{%- set declared = (model.config.get('meta', {}) or {}).get('indicator', {}) if execute else {} -%}
{%- if execute and not declared.get('id') -%}
    {{ exceptions.raise_compiler_error(
        model.name ~ " has no indicator meta: add it to the catalog and run `rusmonitor docs`"
    ) }}
{%- endif -%}
{%- set indicator_id = declared.get('id', model.name) -%}
{%- set kind = kind or declared.get('kind') -%}
{%- set geo_sets = [[]] -%}
{%- set levels = [] -%}
{%- for hierarchy in geo -%}
    {%- for level, column in hierarchy -%}
        {%- do levels.append((level, column)) -%}
        {%- do geo_sets.append(hierarchy[:loop.index] | map(attribute=1) | list) -%}
    {%- endfor -%}
{%- endfor -%}
{%- set breakdown_sets = [[]] -%}
{%- if sex %}{% do breakdown_sets.append(['sex']) %}{% endif -%}
{%- if age_group %}{% do breakdown_sets.append(['age_group']) %}{% endif -%}
{%- if sex_by_age %}{% do breakdown_sets.append(['sex', 'age_group']) %}{% endif -%}
{%- for column in breakdowns %}{% do breakdown_sets.append([column]) %}{% endfor -%}
grouped as (

    select
        year,
        {{ geo_level_from_grouping(levels) }} as geo_level,
        {{ geo_code_from_grouping(levels) }} as geo_code,
        {% if sex -%}
        case when grouping(sex) = 0 then coalesce(sex, 'unknown') else 'all' end
        {%- else %}'all'{% endif %} as sex,
        {% if age_group -%}
        case when grouping(age_group) = 0 then coalesce(age_group, 'unknown') else 'all' end
        {%- else %}'all'{% endif %} as age_group,
        {% if breakdowns or series -%}
        case
            {%- for column in breakdowns %}
            when grouping({{ column }}) = 0 then
                {%- for key in (series + [column]) | sort %}
                '{{ key }}=' || coalesce(cast({{ key }} as varchar), 'unknown')
                {%- if not loop.last %} || ';' ||{% endif %}
                {%- endfor %}
            {%- endfor %}
            else {% if series -%}
                {%- for key in series | sort %}
                '{{ key }}=' || coalesce(cast({{ key }} as varchar), 'unknown')
                {%- if not loop.last %} || ';' ||{% endif %}
                {%- endfor %}
            {%- else %}'total'{% endif %}
        end
        {%- else %}'total'{% endif %} as breakdown,
        -- the row this one's breakdown category adds up to (disclosure control's category groups)
        {% if breakdowns -%}
        case
            when {% for column in breakdowns %}grouping({{ column }}) = 0{% if not loop.last %} or {% endif %}{% endfor %}
                then {% if series -%}
                {%- for key in series | sort %}
                '{{ key }}=' || coalesce(cast({{ key }} as varchar), 'unknown')
                {%- if not loop.last %} || ';' ||{% endif %}
                {%- endfor %}
                {%- else %}'total'{% endif %}
        end
        {%- else %}cast(null as varchar){% endif %} as parent_breakdown,
        cast({{ numerator }} as double) as numerator,
        cast({{ denominator if denominator is not none else 'null' }} as double) as denominator,
        cast({{ value if value is not none else 'null' }} as double) as value_computed,
        cast({{ value_sd if value_sd is not none else 'null' }} as double) as value_sd,
        {{ lineage }} as load_ids
    from {{ relation }}
    group by grouping sets (
        {%- for geo_set in geo_sets %}
        {%- set outer_last = loop.last %}
        {%- for breakdown_set in breakdown_sets %}
        ({{ (['year'] + series + geo_set + breakdown_set) | join(', ') }})
        {%- if not (outer_last and loop.last) %},{% endif %}
        {%- endfor %}
        {%- endfor %}
    )

)

select
    '{{ indicator_id }}' as indicator_id,
    cast(year as integer) as year,
    geo_level,
    geo_code,
    sex,
    age_group,
    breakdown,
    parent_breakdown,
    numerator,
    denominator,
    {% if value is not none -%}
    value_computed
    {%- elif kind == 'share' -%}
    100.0 * numerator / nullif(denominator, 0)
    {%- elif kind == 'rate' -%}
    {{ per_unit }} * numerator / nullif(denominator, 0)
    {%- else -%}
    numerator
    {%- endif %} as value,
    value_sd,
    load_ids
from grouped
-- a unit the source could not place (unknown residence) counts in the levels above only
where geo_code is not null
{% endmacro %}

{#- The lineage aggregate for cells that already carry a list of load ids (joined sources);
    with `over`, as a window aggregate over that named window. -#}
{% macro merged_lineage(over=none) -%}
    list_sort(list_distinct(flatten(list(load_ids){% if over %} over {{ over }}{% endif %})))
{%- endmacro %}

{#- Three years up to `year` pooled for a rate's county and municipality totals (numerators and
    denominators summed over the window, as Kommunehelsa shows small-area rates): rows with
    breakdown adjustment=moving_average_3y, only where all three years are there. `relation`
    holds the rate's rows in the standard columns. -#}
{% macro moving_average_3y(relation, per_unit) %}
    select
        indicator_id,
        year,
        geo_level,
        geo_code,
        sex,
        age_group,
        'adjustment=moving_average_3y' as breakdown,
        cast(null as varchar) as parent_breakdown,
        sum(numerator) over window_3y as numerator,
        sum(denominator) over window_3y as denominator,
        {{ per_unit }} * sum(numerator) over window_3y / sum(denominator) over window_3y as value,
        cast(null as double) as value_sd,
        {{ merged_lineage(over='window_3y') }} as load_ids
    from {{ relation }}
    where geo_level in ('county', 'municipality') and breakdown = 'total' and age_group = 'all'
    window window_3y as (
        partition by geo_level, geo_code, sex, age_group
        order by year
        range between 2 preceding and current row
    )
    qualify count(*) over window_3y = 3
{% endmacro %}
