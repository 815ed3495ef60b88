{#-
    Net Promoter Score from counts: % promoters minus % detractors, a double in -100..100,
    unrounded; null when there are no answers (never a division by zero).
-#}
{% macro nps(promoters, detractors, responses) -%}
    case when {{ responses }} > 0
        then 100.0 * (cast({{ promoters }} as double) - cast({{ detractors }} as double))
            / cast({{ responses }} as double)
    end
{%- endmacro %}
