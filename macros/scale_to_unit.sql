{#-
    A loyalty-score component: a measure scaled to 0..1 by a cap, as a double: value / cap
    clipped to [0, 1] (at or above the cap = 1; negative = 0). Null stays null (greatest and
    least skip nulls on DuckDB and Spark, so the case is needed). One definition for every
    capped component of dim_customers.loyalty_score.
-#}
{% macro scale_to_unit(value, cap) -%}
    case when {{ value }} is not null
        then least(greatest(cast({{ value }} as double) / cast({{ cap }} as double), 0.0), 1.0)
    end
{%- endmacro %}
