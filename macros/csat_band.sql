{#-
    CSAT band of a 1-5 answer: satisfied (at least var csat_satisfied_min, 4), dissatisfied
    (at most var csat_dissatisfied_max, 2), neutral in between; null when CSAT was skipped.
    Defined once here, like nps_category, so satisfaction is banded the same everywhere.
-#}
{% macro csat_band(score) -%}
    case
        when {{ score }} >= {{ var('csat_satisfied_min') }} then 'satisfied'
        when {{ score }} > {{ var('csat_dissatisfied_max') }} then 'neutral'
        when {{ score }} >= 1 then 'dissatisfied'
    end
{%- endmacro %}
