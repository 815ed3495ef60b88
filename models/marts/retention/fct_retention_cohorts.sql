-- Customer retention by cohort, the standard cohort table: a customer's cohort is the month
-- of the first completed order or subscription start (int_customer_lifecycle.cohort_month);
-- customers_active for months_since_start k counts the cohort's customers with a completed
-- order in calendar month cohort_month + k, or a subscription running in that month. Only
-- what happened in the month counts (no window around an order, no hindsight from a later
-- order), so a customer can be active in month 3 and not in month 2: the curve may rise.
-- Month 0 is the whole cohort (the first activity lies in it). Events after the as-of date do
-- not count; the as-of month counts as far as it has gone.
-- A subscription runs in the months from the month of started_at to the month of ended_at
-- (the month before when ended_at is 00:00 on the 1st: it did not run in that month); one
-- still running at the as-of date (no end, or an end after it) runs to the as-of month.
with lifecycle as (
    select
        customer_id,
        first_active_at,
        cohort_month
    from {{ ref('int_customer_lifecycle') }}
),

orders as (
    select
        customer_id,
        ordered_at
    from {{ ref('stg_crm__orders') }}
    where order_status = 'completed'
),

subscriptions as (
    select
        customer_id,
        started_at,
        ended_at,
        cast({{ dbt.date_trunc('month', 'ended_at') }} as date) as ended_month
    from {{ ref('stg_crm__subscriptions') }}
),

-- the last month an ended subscription ran in: the month before when it ended at 00:00 on 1st
subscription_ends as (
    select
        customer_id,
        started_at,
        ended_at,
        case
            when ended_at = cast(ended_month as timestamp)
                then cast({{ dbt.dateadd('month', -1, 'ended_month') }} as date)
            else ended_month
        end as last_running_month
    from subscriptions
),

as_of as (
    select
        as_of_at,
        cast({{ dbt.date_trunc('month', 'as_of_at') }} as date) as as_of_month
    from {{ ref('int_as_of_date') }}
),

-- customers whose first activity lies after the as-of date are not counted yet
customers as (
    select
        lifecycle.customer_id,
        lifecycle.cohort_month,
        cast(
            {{ dbt.datediff('lifecycle.cohort_month', 'as_of.as_of_month', 'month') }} as integer  -- noqa: LT05
        ) as months_to_as_of
    from lifecycle
    cross join as_of
    where lifecycle.first_active_at <= as_of.as_of_at
),

order_months as (
    select
        customers.customer_id,
        customers.cohort_month,
        cast({{ dbt.datediff(
            'customers.cohort_month',
            dbt.date_trunc('month', 'orders.ordered_at'),
            'month'
        ) }} as integer) as months_since_start
    from orders
    inner join customers
        on orders.customer_id = customers.customer_id
    cross join as_of
    where orders.ordered_at <= as_of.as_of_at
),

-- each subscription's first and last running month, as offsets from the cohort month
subscription_spans as (
    select
        customers.customer_id,
        customers.cohort_month,
        cast({{ dbt.datediff(
            'customers.cohort_month',
            dbt.date_trunc('month', 'subscriptions.started_at'),
            'month'
        ) }} as integer) as first_month,
        case
            when subscriptions.ended_at is null or subscriptions.ended_at > as_of.as_of_at
                then customers.months_to_as_of
            else cast({{ dbt.datediff(
                'customers.cohort_month', 'subscriptions.last_running_month', 'month'
            ) }} as integer)
        end as last_month
    from subscription_ends as subscriptions
    inner join customers
        on subscriptions.customer_id = customers.customer_id
    cross join as_of
    where subscriptions.started_at <= as_of.as_of_at
),

subscription_months as (
    {{ integer_series(
        'subscription_spans', 'first_month', 'last_month', ['customer_id', 'cohort_month']
    ) }}
),

-- one row per customer and month they were active in (union: an order and a subscription in
-- the same month count once)
active_months as (
    select
        customer_id,
        cohort_month,
        months_since_start
    from order_months
    union distinct
    select
        customer_id,
        cohort_month,
        series_value as months_since_start
    from subscription_months
),

active as (
    select
        cohort_month,
        months_since_start,
        count(*) as customers_active
    from active_months
    group by cohort_month, months_since_start
),

cohorts as (
    select
        cohort_month,
        0 as first_month,
        max(months_to_as_of) as last_month,
        count(*) as cohort_customers
    from customers
    group by cohort_month
),

months as (
    {{ integer_series('cohorts', 'first_month', 'last_month', ['cohort_month', 'cohort_customers']) }}
),

counted as (
    select
        months.cohort_month,
        months.series_value as months_since_start,
        cast(
            {{ dbt.dateadd('month', 'months.series_value', 'months.cohort_month') }} as date
        ) as month_start,
        cast(months.cohort_customers as bigint) as cohort_customers,
        cast(coalesce(active.customers_active, 0) as bigint) as customers_active
    from months
    left join active
        on
            months.cohort_month = active.cohort_month
            and months.series_value = active.months_since_start
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
