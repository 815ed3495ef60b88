{#-
    Use the folder's schema as it is (`marts`, `staging`, `reference`) instead of dbt's
    default `<target schema>_<custom schema>`, so BI tools find `marts.fct_nps_monthly`
    on every target. Models without a custom schema go to the target schema.
-#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
