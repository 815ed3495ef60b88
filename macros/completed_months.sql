{#-
    The number of completed calendar months from start_at to end_at: the largest n with
    start_at + n months <= end_at, where adding n months keeps the day and time of day and
    clamps the day to the end of a shorter month (2024-01-31 + 1 month = 2024-02-29, as
    DuckDB's interval arithmetic, Spark's and dateutil's relativedelta do). So a contract
    ends on its anniversary after exactly 12 months (2024-03-15 -> 2025-03-15: 12), one day
    before it after 11; 2024-01-31 -> 2024-02-29 is 1 (the month ran to the end of February)
    and 2024-01-29 -> 2024-02-28 is 0. Computed as the month boundaries crossed, less one when
    adding them to start_at overshoots end_at (the result is that count or one less).
    Negative when end_at lies before start_at; null when either is null. Dispatched because
    month arithmetic on timestamps differs: dbt.dateadd on Spark (add_months) drops the time.
-#}
{% macro completed_months(start_at, end_at) -%}
    {{ return(adapter.dispatch('completed_months', 'loyalty')(start_at, end_at)) }}
{%- endmacro %}

{% macro default__completed_months(start_at, end_at) -%}
    (
        {{ dbt.datediff(start_at, end_at, 'month') }}
        - case
            when {{ dbt.dateadd('month', dbt.datediff(start_at, end_at, 'month'), start_at) }}
                > {{ end_at }}
                then 1
            else 0
        end
    )
{%- endmacro %}

{% macro spark__completed_months(start_at, end_at) -%}
    (
        (year({{ end_at }}) - year({{ start_at }})) * 12 + month({{ end_at }}) - month({{ start_at }})
        - case
            when {{ start_at }} + make_interval(
                0, (year({{ end_at }}) - year({{ start_at }})) * 12
                + month({{ end_at }}) - month({{ start_at }})
            ) > {{ end_at }}
                then 1
            else 0
        end
    )
{%- endmacro %}
