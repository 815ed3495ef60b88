{#-
    NPS group of a 0-10 answer: promoter 9-10, passive 7-8, detractor 0-6; null when the
    question was skipped. Defined once here; every model that groups answers uses it.
-#}
{% macro nps_category(score) -%}
    case
        when {{ score }} >= 9 then 'promoter'
        when {{ score }} >= 7 then 'passive'
        when {{ score }} >= 0 then 'detractor'
    end
{%- endmacro %}
