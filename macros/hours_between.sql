{#-
    Hours from one timestamp to a later one, as a double with the minutes and seconds kept
    (dbt.datediff in hours counts hour boundaries, so 10:59 -> 11:01 would be 1 hour).
    Negative when `end_at` lies before `start_at`; null when either is null.
-#}
{% macro hours_between(start_at, end_at) -%}
    cast({{ dbt.datediff(start_at, end_at, 'second') }} as double) / 3600.0
{%- endmacro %}
