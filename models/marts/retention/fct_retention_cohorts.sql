-- Customer retention by cohort: cohort month (month of first activity, from
-- int_customer_lifecycle) x months since start, for every calendar month up to the month of
-- the as-of date. customers_active counts the cohort's customers active at any time in that
-- calendar month (int_customer_months: between first activity and churn), so month 0 is the
-- whole cohort and the curve never rises. The as-of month is counted as far as it has gone.
with customer_months as (
    select * from {{ ref('int_customer_months') }}
),

counted as (
    select
        cohort_month,
        months_since_start,
        month_start,
        cast(count(*) as bigint) as cohort_customers,
        cast(sum(case when is_active then 1 else 0 end) as bigint) as customers_active
    from customer_months
    group by cohort_month, months_since_start, month_start
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
