-- One row per customer in the CRM export: profile, first and latest NPS answer, orders,
-- revenue and tenure (measured against int_as_of_date).
with customers as (
    select * from {{ ref('stg_crm__customers') }}
),

nps_answers as (
    select
        customer_id,
        submitted_at,
        nps_score,
        nps_category,
        row_number() over (
            partition by customer_id order by submitted_at asc, response_id asc
        ) as first_rank,
        row_number() over (
            partition by customer_id order by submitted_at desc, response_id desc
        ) as latest_rank,
        count(*) over (partition by customer_id) as nps_answers
    from {{ ref('fct_survey_responses') }}
    where nps_score is not null and customer_id is not null
),

orders as (
    select * from {{ ref('stg_crm__orders') }}
),

subscriptions as (
    select * from {{ ref('stg_crm__subscriptions') }}
),

as_of as (
    select as_of_at from {{ ref('int_as_of_date') }}
),

order_totals as (
    select
        customer_id,
        count(*) as orders,
        sum(amount - discount_amount) as revenue,
        sum(discount_amount) as discount_total,
        min(ordered_at) as first_order_at,
        max(ordered_at) as last_order_at
    from orders
    where order_status = 'completed'
    group by customer_id
),

subscription_status as (
    select
        subscriptions.customer_id,
        count(*) as subscriptions,
        max(
            case
                when subscriptions.ended_at is null or subscriptions.ended_at > as_of.as_of_at
                    then 1
                else 0
            end
        ) as has_active_subscription
    from subscriptions
    cross join as_of
    group by subscriptions.customer_id
),

final as (
    select
        customers.customer_id,
        customers.country_code,
        customers.segment,
        customers.acquisition_channel,
        customers.created_at,
        cast(
            {{ dbt.datediff('customers.created_at', 'as_of.as_of_at', 'day') }} as bigint  -- noqa: LT05
        ) as tenure_days,
        cast(coalesce(order_totals.orders, 0) as bigint) as orders,
        cast(coalesce(order_totals.revenue, 0) as decimal(18, 2)) as revenue,
        cast(coalesce(order_totals.discount_total, 0) as decimal(18, 2)) as discount_total,
        order_totals.first_order_at,
        order_totals.last_order_at,
        cast(coalesce(subscription_status.subscriptions, 0) as bigint) as subscriptions,
        coalesce(subscription_status.has_active_subscription, 0) = 1 as has_active_subscription,
        cast(coalesce(first_answer.nps_answers, 0) as bigint) as nps_answers,
        first_answer.submitted_at as first_nps_at,
        first_answer.nps_score as first_nps_score,
        first_answer.nps_category as first_nps_category,
        latest_answer.submitted_at as latest_nps_at,
        latest_answer.nps_score as latest_nps_score,
        latest_answer.nps_category as latest_nps_category
    from customers
    cross join as_of
    left join order_totals
        on customers.customer_id = order_totals.customer_id
    left join subscription_status
        on customers.customer_id = subscription_status.customer_id
    left join nps_answers as first_answer
        on customers.customer_id = first_answer.customer_id and first_answer.first_rank = 1
    left join nps_answers as latest_answer
        on customers.customer_id = latest_answer.customer_id and latest_answer.latest_rank = 1
)

select * from final
