{#-
    One row per integer from start_column to end_column (inclusive) of each row of
    bounds_relation, as column `series_value`, carrying the listed columns along. The base
    of calendar spines (customer x month) and of survival time axes. Dispatched because
    each engine expands a range into rows its own way: DuckDB unnest(range()), Spark
    explode(sequence()). No rows when end < start.
-#}
{% macro integer_series(bounds_relation, start_column, end_column, carry_columns=[]) -%}
    {{ return(adapter.dispatch('integer_series', 'loyalty')(
        bounds_relation, start_column, end_column, carry_columns
    )) }}
{%- endmacro %}

{% macro default__integer_series(bounds_relation, start_column, end_column, carry_columns) -%}
    select
        {%- for column in carry_columns %}
        {{ column }},
        {%- endfor %}
        cast(unnest(range({{ start_column }}, {{ end_column }} + 1)) as integer) as series_value
    from {{ bounds_relation }}
{%- endmacro %}

{% macro spark__integer_series(bounds_relation, start_column, end_column, carry_columns) -%}
    select
        {%- for column in carry_columns %}
        {{ column }},
        {%- endfor %}
        cast(series_value as integer) as series_value
    from {{ bounds_relation }}
    lateral view explode(
        case when {{ end_column }} >= {{ start_column }}
            then sequence({{ start_column }}, {{ end_column }}) else array() end
    ) series as series_value
{%- endmacro %}
