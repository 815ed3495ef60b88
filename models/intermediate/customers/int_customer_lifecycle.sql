-- When each customer was active, defined once for retention, churn and personas:
-- a subscription keeps a customer active from started_at until ended_at (open = still
-- active); a completed order keeps a customer active for var `active_window_days` after it.
-- A customer is active at the as-of date when either holds then; a customer who was
-- active before but no longer is has churned, at active_until.
-- The as-of step of int_customer_profile (incremental, as-of free), which holds each
-- customer's first and last completed order, first subscription start, open subscription
-- and latest subscription end: only an open subscription and the statuses need the as-of
-- date, so this is a projection of one row per customer of the CRM export with activity.
with customer_profile as (
    select
        customer_id,
        first_order_at,
        last_order_at,
        first_subscription_at,
        has_open_subscription,
        last_subscription_ended_at
    from {{ ref('int_customer_profile') }}
    where orders > 0 or subscriptions > 0
),

as_of as (
    select as_of_at from {{ ref('int_as_of_date') }}
),

-- the end of each kind of activity (null without it): the last completed order's window, the
-- latest subscription end, and for an open subscription a moment after the as-of date
activity_ends as (
    select
        customer_profile.customer_id,
        customer_profile.first_order_at,
        customer_profile.first_subscription_at,
        {{ dbt.dateadd('day', var('active_window_days'), 'customer_profile.last_order_at') }}
            as order_active_to,
        customer_profile.last_subscription_ended_at as subscription_active_to,
        case
            when customer_profile.has_open_subscription
                then {{ dbt.dateadd('day', 1, 'as_of.as_of_at') }}
        end as open_active_to
    from customer_profile
    cross join as_of
),

-- earliest start and latest end of the customer's activities (the coalesces skip the nulls)
lifecycle as (
    select
        customer_id,
        least(
            coalesce(first_order_at, first_subscription_at),
            coalesce(first_subscription_at, first_order_at)
        ) as first_active_at,
        greatest(
            coalesce(order_active_to, subscription_active_to, open_active_to),
            coalesce(subscription_active_to, open_active_to, order_active_to),
            coalesce(open_active_to, order_active_to, subscription_active_to)
        ) as active_until
    from activity_ends
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
