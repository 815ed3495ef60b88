{#-
    A share (numerator / denominator) as a double, null when the denominator is 0 or null
    (never a division by zero): discount share, retention rate and other *_share/*_rate
    columns of the loyalty marts.
-#}
{% macro safe_share(numerator, denominator) -%}
    case when {{ denominator }} > 0
        then cast({{ numerator }} as double) / cast({{ denominator }} as double)
    end
{%- endmacro %}
