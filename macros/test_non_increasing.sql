{#-
    Generic test: within each group of `partition_by` (a list of columns), the column never
    rises from one row to the next in `order_by` order (e.g. a Kaplan-Meier survival
    curve, or a retention curve defined by churn). Null values are skipped. Returns the rows
    where the value is higher than the previous one.
-#}
{% test non_increasing(model, column_name, partition_by, order_by) %}
with ordered as (
    select
        {{ partition_by | join(', ') }},
        {{ order_by }} as order_value,
        {{ column_name }} as current_value,
        lag({{ column_name }}) over (
            partition by {{ partition_by | join(', ') }} order by {{ order_by }}
        ) as previous_value
    from {{ model }}
    where {{ column_name }} is not null
)

select *
from ordered
where current_value > previous_value
{% endtest %}
