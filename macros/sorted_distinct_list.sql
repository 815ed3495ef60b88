{#-
    Aggregate: the distinct non-null values of a column as one sorted (alphabetical),
    comma-separated string, e.g. 'billing,complaint,support'; null when there are none.
    Dispatched because ordered string aggregation differs per engine (DuckDB and Postgres
    string_agg with order by, Spark collect_set + array_sort + concat_ws).
-#}
{% macro sorted_distinct_list(column, separator=',') -%}
    {{ return(adapter.dispatch('sorted_distinct_list', 'loyalty')(column, separator)) }}
{%- endmacro %}

{% macro default__sorted_distinct_list(column, separator) -%}
    string_agg(distinct {{ column }}, '{{ separator }}' order by {{ column }})
{%- endmacro %}

{% macro spark__sorted_distinct_list(column, separator) -%}
    nullif(concat_ws('{{ separator }}', array_sort(collect_set({{ column }}))), '')
{%- endmacro %}
