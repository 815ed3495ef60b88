-- One row per calendar day from 2000-01-01 to 2069-12-31: the time spine MetricFlow joins
-- metrics to (metric_time), and a date dimension for BI tools. Portable: integer_series and
-- dbt.dateadd run on DuckDB and Spark alike.
with bounds as (
    select
        0 as first_offset,
        {{ dbt.datediff("cast('2000-01-01' as date)", "cast('2069-12-31' as date)", 'day') }}
            as last_offset
),

offsets as (
    {{ integer_series('bounds', 'first_offset', 'last_offset') }}
),

final as (
    select
        cast(
            {{ dbt.dateadd('day', 'series_value', "cast('2000-01-01' as date)") }} as date
        ) as date_day
    from offsets
)

select * from final
