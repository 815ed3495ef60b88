{#-
    The load watermark of an incremental model: the largest load sequence it holds
    (max(column) of the built table), as a literal, so the filter `load_seq > <watermark>`
    reaches the Parquet scan (whole files of earlier loads are skipped by their statistics).
    0 before the first build or when the table is empty. Read at run time with run_query.
-#}
{% macro load_watermark(relation, column='load_seq') -%}
    {%- if not execute -%}
        {{ return(0) }}
    {%- endif -%}
    {%- set result = run_query('select max(' ~ column ~ ') from ' ~ relation) -%}
    {%- set value = result.columns[0].values()[0] -%}
    {{ return(value if value is not none else 0) }}
{%- endmacro %}
