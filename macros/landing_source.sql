{#-
    Read a landing table: the typed Parquet files the ingest writes, one folder per entity
    (`<landing_path>/<identifier>/*.parquet`). Staging models call this instead of `source()`;
    it calls `source()` itself so that lineage (dbt docs, Dagster asset graph) stays intact.
    Dispatched because each engine reads Parquet folders with its own syntax.
-#}
{% macro landing_source(source_name, table_name) -%}
    {{ return(adapter.dispatch('landing_source', 'loyalty')(source_name, table_name)) }}
{%- endmacro %}

{% macro landing_folder(source_name, table_name) -%}
    {%- set relation = source(source_name, table_name) -%}
    {{ return(var('landing_path') ~ '/' ~ relation.identifier) }}
{%- endmacro %}

{% macro default__landing_source(source_name, table_name) -%}
    read_parquet('{{ landing_folder(source_name, table_name) }}/*.parquet', union_by_name = true)
{%- endmacro %}

{% macro spark__landing_source(source_name, table_name) -%}
    parquet.`{{ landing_folder(source_name, table_name) }}`
{%- endmacro %}
