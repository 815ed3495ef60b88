{#-
    How an incremental fact writes a build's new rows, per engine, so the model SQL stays the
    same everywhere:
    - DuckDB: delete+insert on the unique key (a corrected re-delivery replaces its row);
    - Spark: delete+insert is rejected and merge needs a Delta/Iceberg table, so the fact is
      rewritten whole with insert_overwrite (no partition_by: the whole table), and
      incremental_batch_only() is false there, so the model selects every row: correct, but
      a full rebuild's cost on Spark;
    - other engines: merge on the unique key.
-#}
{% macro incremental_strategy() -%}
    {{ return(adapter.dispatch('incremental_strategy', 'loyalty')()) }}
{%- endmacro %}

{% macro default__incremental_strategy() -%}
    {{ return('merge') }}
{%- endmacro %}

{% macro duckdb__incremental_strategy() -%}
    {{ return('delete+insert') }}
{%- endmacro %}

{% macro spark__incremental_strategy() -%}
    {{ return('insert_overwrite') }}
{%- endmacro %}
