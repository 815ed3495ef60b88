{#-
    numerator / denominator as a double, null when the denominator is 0 (a share or a mean
    of nothing is unknown, not 0; never a division by zero). Used by every *_share, *_rate
    and *_mean column of the loyalty marts, so "null when n = 0" is decided in one place.
-#}
{% macro safe_divide(numerator, denominator) -%}
    case when {{ denominator }} > 0
        then cast({{ numerator }} as double) / cast({{ denominator }} as double)
    end
{%- endmacro %}
