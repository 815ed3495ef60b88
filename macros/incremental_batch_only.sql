{#-
    True when this build of an incremental model may select only the new batch (rows
    delivered after the load watermark) because the engine's strategy replaces rows by key
    (DuckDB delete+insert, merge). False on Spark, whose insert_overwrite rewrites the table
    with whatever the model selects: there the model must select every row. Also false on a
    first build or --full-refresh (is_incremental() is false then).
-#}
{% macro incremental_batch_only() -%}
    {{ return(is_incremental() and adapter.dispatch('incremental_batch_only', 'loyalty')()) }}
{%- endmacro %}

{% macro default__incremental_batch_only() -%}
    {{ return(true) }}
{%- endmacro %}

{% macro spark__incremental_batch_only() -%}
    {{ return(false) }}
{%- endmacro %}
