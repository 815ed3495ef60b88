-- Customer retention by cohort: cohort month (month of first activity, from
-- int_customer_lifecycle) x months since start, for every calendar month up to the month of
-- the as-of date. customers_active counts the cohort's customers active at any time in that
-- calendar month (between first activity and churn, as in int_customer_months), so month 0 is
-- the whole cohort and the curve never rises. The as-of month is counted as far as it has gone.
-- Counted from the customers' spans (one row per customer), not from the customer x month
-- spine: every customer of a cohort has the same months (cohort month to as-of month), and a
-- customer is active in month k exactly when active_until > cohort_month + k months (the first
-- activity lies in the cohort month), i.e. for k = 0 .. last_active_month. So the cohort's
-- active customers in month k are those with last_active_month >= k: a running sum over the
-- cohort's few months instead of a row per customer and month.
with lifecycle as (
    select
        customer_id,
        first_active_at,
        cohort_month,
        active_until
    from {{ ref('int_customer_lifecycle') }}
),

as_of as (
    select
        as_of_at,
        cast({{ dbt.date_trunc('month', 'as_of_at') }} as date) as as_of_month
    from {{ ref('int_as_of_date') }}
),

-- customers whose first activity lies after the as-of date are not counted yet
started as (
    select
        lifecycle.cohort_month,
        lifecycle.active_until,
        cast({{ dbt.date_trunc('month', 'lifecycle.active_until') }} as date) as active_until_month
    from lifecycle
    cross join as_of
    where lifecycle.first_active_at <= as_of.as_of_at
),

-- the last month offset the customer is active in: the month of active_until, or the month
-- before when active_until is its first moment (active until 00:00 on the 1st); negative
-- when never active after the cohort month began
customer_spans as (
    select
        cohort_month,
        cast(
            {{ dbt.datediff('cohort_month', 'active_until_month', 'month') }} as integer  -- noqa: LT05
        ) - case
            when active_until = cast(active_until_month as timestamp) then 1 else 0
        end as last_active_month
    from started
),

ended as (
    select
        cohort_month,
        last_active_month,
        count(*) as customers
    from customer_spans
    group by cohort_month, last_active_month
),

cohorts as (
    select
        ended.cohort_month,
        0 as first_month,
        cast(
            {{ dbt.datediff('ended.cohort_month', 'as_of.as_of_month', 'month') }} as integer  -- noqa: LT05
        ) as last_month,
        sum(ended.customers) as cohort_customers
    from ended
    cross join as_of
    group by ended.cohort_month, as_of.as_of_month
),

months as (
    {{ integer_series('cohorts', 'first_month', 'last_month', ['cohort_month', 'cohort_customers']) }}
),

-- customers whose last active month is k, summed over k and every later month
counted as (
    select
        months.cohort_month,
        months.series_value as months_since_start,
        cast(
            {{ dbt.dateadd('month', 'months.series_value', 'months.cohort_month') }} as date
        ) as month_start,
        cast(months.cohort_customers as bigint) as cohort_customers,
        cast(coalesce(sum(ended.customers), 0) as bigint) as customers_active
    from months
    left join ended
        on
            months.cohort_month = ended.cohort_month
            and months.series_value <= ended.last_active_month
    group by months.cohort_month, months.series_value, months.cohort_customers
),

final as (
    select
        cohort_month,
        months_since_start,
        month_start,
        cohort_customers,
        customers_active,
        {{ safe_divide('customers_active', 'cohort_customers') }} as retention_rate
    from counted
)

select * from final
