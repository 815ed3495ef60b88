-- One row per customer x calendar month, from the customer's cohort month through the month
-- of the as-of date, with is_active: the customer was active at some time in that month.
-- Activity comes from int_customer_lifecycle (defined there once): a customer counts as
-- active from first_active_at until active_until (churn), so a customer is active in a month
-- when [first_active_at, active_until) overlaps it. Customers whose first activity lies after
-- the as-of date have no rows.
-- A view: the rows are inherently as-of (a row per customer and month up to the as-of month,
-- tens of millions at scale), so it is not stored and rebuilt every day; it is the spine
-- for ad-hoc analysis and the reference fct_retention_cohorts is checked against
-- (tests/test_marts_retention.py), which counts the same from int_customer_lifecycle's spans.
{{ config(materialized='view') }}

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

customers as (
    select
        lifecycle.customer_id,
        lifecycle.first_active_at,
        lifecycle.cohort_month,
        lifecycle.active_until,
        cast(
            {{ dbt.datediff('lifecycle.cohort_month', 'as_of.as_of_month', 'month') }} as integer  -- noqa: LT05
        ) as months_to_as_of
    from lifecycle
    cross join as_of
    where lifecycle.first_active_at <= as_of.as_of_at
),

-- the month offsets of the longest span, joined to each customer up to its own: a join (not
-- a series per customer) lets a filter on the customer reach int_customer_lifecycle first
month_range as (
    select
        0 as first_offset,
        max(months_to_as_of) as last_offset
    from customers
),

month_offsets as (
    {{ integer_series('month_range', 'first_offset', 'last_offset') }}
),

months as (
    select
        customers.customer_id,
        customers.cohort_month,
        customers.first_active_at,
        customers.active_until,
        month_offsets.series_value as months_since_start,
        cast(
            {{ dbt.dateadd('month', 'month_offsets.series_value', 'customers.cohort_month') }} as date
        ) as month_start
    from customers
    inner join month_offsets
        on customers.months_to_as_of >= month_offsets.series_value
),

final as (
    select
        customer_id,
        cohort_month,
        month_start,
        months_since_start,
        first_active_at < cast({{ dbt.dateadd('month', 1, 'month_start') }} as timestamp)
        and active_until > cast(month_start as timestamp) as is_active
    from months
)

select * from final
