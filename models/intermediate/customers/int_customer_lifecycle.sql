-- When each customer was active, defined once for retention, churn and personas:
-- a subscription keeps a customer active from started_at until ended_at (open = still
-- active); a completed order keeps a customer active for var `active_window_days` after it.
-- A customer is active at the as-of date when either holds then; a customer who was
-- active before but no longer is has churned, at active_until.
with orders as (
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
        ended_at
    from {{ ref('stg_crm__subscriptions') }}
),

as_of as (
    select as_of_at from {{ ref('int_as_of_date') }}
),

activity as (
    select
        customer_id,
        ordered_at as active_from,
        {{ dbt.dateadd('day', var('active_window_days'), 'ordered_at') }} as active_to
    from orders
    union all
    select
        subscriptions.customer_id,
        subscriptions.started_at as active_from,
        -- an open subscription counts as active until after the as-of date
        coalesce(
            subscriptions.ended_at,
            {{ dbt.dateadd('day', 1, 'as_of.as_of_at') }}
        ) as active_to
    from subscriptions
    cross join as_of
),

lifecycle as (
    select
        activity.customer_id,
        min(activity.active_from) as first_active_at,
        max(activity.active_to) as active_until
    from activity
    group by activity.customer_id
),

final as (
    select
        lifecycle.customer_id,
        lifecycle.first_active_at,
        cast({{ dbt.date_trunc('month', 'lifecycle.first_active_at') }} as date) as cohort_month,
        lifecycle.active_until,
        lifecycle.active_until > as_of.as_of_at as is_active,
        case
            when lifecycle.active_until <= as_of.as_of_at then lifecycle.active_until
        end as churned_at
    from lifecycle
    cross join as_of
)

select * from final
