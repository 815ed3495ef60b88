-- The as-of-free half of dim_customers and int_customer_lifecycle: one row per customer in the
-- CRM export with the profile, completed-order totals, subscriptions (what the as-of steps need
-- to tell whether one is active: the first start, an open one, the latest end), the first and
-- latest NPS answer (by submitted_at, then response_id), the latest answer with both a CSAT and
-- an NPS score (the one int_customer_answers_followed follows) and the answer totals, whenever
-- they happened. dim_customers, int_customer_lifecycle and int_customer_answers_followed apply
-- the as-of date.
-- Customer-scoped incremental (macro customer_batch): a build rebuilds the rows of the
-- customers with newly delivered answers, orders, subscriptions or customer records, and of
-- the customers an answer, order or subscription moved away from (option versions: every
-- delivered version of the key); answer_load_seq, order_load_seq, subscription_load_seq and
-- customer_load_seq are the watermarks (max load_seq of the customer's upstream rows).
-- depends_on: {{ ref('stg_survey__responses') }}
{{ config(
    materialized='incremental',
    incremental_strategy=customer_batch_strategy(),
    unique_key='customer_id',
    customer_batch=[
        {'ref': 'fct_survey_responses', 'column': 'answer_load_seq',
         'versions': {'ref': 'stg_survey__responses', 'key': 'response_id'}},
        {'ref': 'stg_crm__orders', 'column': 'order_load_seq',
         'versions': {'landing': ['crm', 'orders'], 'key': 'order_id'}},
        {'ref': 'stg_crm__subscriptions', 'column': 'subscription_load_seq',
         'versions': {'landing': ['crm', 'subscriptions'], 'key': 'subscription_id'}},
        {'ref': 'stg_crm__customers', 'column': 'customer_load_seq'},
    ],
    on_schema_change='fail',
) }}

with customers as (
    select
        customer_id,
        country_code,
        segment,
        acquisition_channel,
        created_at,
        load_seq
    from {{ ref('stg_crm__customers') }}
    where {{ in_customer_batch('customer_id') }}
),

responses as (
    select
        response_id,
        customer_id,
        submitted_at,
        csat_score,
        nps_score,
        nps_category,
        ces_score,
        load_seq
    from {{ ref('fct_survey_responses') }}
    where
        customer_id is not null
        and {{ in_customer_batch('customer_id') }}
),

orders as (
    select
        customer_id,
        ordered_at,
        amount,
        discount_amount,
        order_status,
        load_seq
    from {{ ref('stg_crm__orders') }}
    where {{ in_customer_batch('customer_id') }}
),

subscriptions as (
    select
        customer_id,
        started_at,
        ended_at,
        load_seq
    from {{ ref('stg_crm__subscriptions') }}
    where {{ in_customer_batch('customer_id') }}
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
    from responses
    where nps_score is not null
),

-- the latest answer with both a CSAT and an NPS score (satisfaction vs loyalty follows it)
rated_answers as (
    select
        response_id,
        customer_id,
        submitted_at,
        csat_score,
        nps_score,
        nps_category,
        ces_score,
        row_number() over (
            partition by customer_id order by submitted_at desc, response_id desc
        ) as latest_rank
    from responses
    where csat_score is not null and nps_score is not null
),

answer_totals as (
    select
        customer_id,
        count(*) as survey_answers,
        max(submitted_at) as last_answer_at,
        avg(cast(ces_score as double)) as ces_mean,
        max(load_seq) as answer_load_seq
    from responses
    group by customer_id
),

-- completed orders only; the watermark counts every order of the customer
order_totals as (
    select
        customer_id,
        sum(case when order_status = 'completed' then 1 else 0 end) as orders,
        sum(case when order_status = 'completed' then amount end) as gross_amount,
        sum(case when order_status = 'completed' then amount - discount_amount end) as revenue,
        sum(case when order_status = 'completed' then discount_amount end) as discount_total,
        min(case when order_status = 'completed' then ordered_at end) as first_order_at,
        max(case when order_status = 'completed' then ordered_at end) as last_order_at,
        max(load_seq) as order_load_seq
    from orders
    group by customer_id
),

subscription_totals as (
    select
        customer_id,
        count(*) as subscriptions,
        min(started_at) as first_subscription_at,
        max(case when ended_at is null then 1 else 0 end) = 1 as has_open_subscription,
        max(ended_at) as last_subscription_ended_at,
        max(load_seq) as subscription_load_seq
    from subscriptions
    group by customer_id
),

final as (
    select
        customers.customer_id,
        customers.country_code,
        customers.segment,
        customers.acquisition_channel,
        customers.created_at,
        cast(coalesce(order_totals.orders, 0) as bigint) as orders,
        cast(coalesce(order_totals.revenue, 0) as decimal(18, 2)) as revenue,
        cast(coalesce(order_totals.discount_total, 0) as decimal(18, 2)) as discount_total,
        {{ safe_share('order_totals.discount_total', 'order_totals.gross_amount') }} as discount_share,
        order_totals.first_order_at,
        order_totals.last_order_at,
        cast(coalesce(subscription_totals.subscriptions, 0) as bigint) as subscriptions,
        subscription_totals.first_subscription_at,
        coalesce(subscription_totals.has_open_subscription, false) as has_open_subscription,
        subscription_totals.last_subscription_ended_at,
        cast(coalesce(first_answer.nps_answers, 0) as bigint) as nps_answers,
        first_answer.submitted_at as first_nps_at,
        first_answer.nps_score as first_nps_score,
        first_answer.nps_category as first_nps_category,
        latest_answer.submitted_at as latest_nps_at,
        latest_answer.nps_score as latest_nps_score,
        latest_answer.nps_category as latest_nps_category,
        cast(coalesce(answer_totals.survey_answers, 0) as bigint) as survey_answers,
        answer_totals.last_answer_at,
        answer_totals.ces_mean,
        latest_rated.response_id as latest_rated_response_id,
        latest_rated.submitted_at as latest_rated_at,
        latest_rated.csat_score as latest_rated_csat_score,
        latest_rated.nps_score as latest_rated_nps_score,
        latest_rated.nps_category as latest_rated_nps_category,
        latest_rated.ces_score as latest_rated_ces_score,
        answer_totals.answer_load_seq,
        order_totals.order_load_seq,
        subscription_totals.subscription_load_seq,
        customers.load_seq as customer_load_seq
    from customers
    left join order_totals
        on customers.customer_id = order_totals.customer_id
    left join subscription_totals
        on customers.customer_id = subscription_totals.customer_id
    left join nps_answers as first_answer
        on customers.customer_id = first_answer.customer_id and first_answer.first_rank = 1
    left join nps_answers as latest_answer
        on customers.customer_id = latest_answer.customer_id and latest_answer.latest_rank = 1
    left join answer_totals
        on customers.customer_id = answer_totals.customer_id
    left join rated_answers as latest_rated
        on customers.customer_id = latest_rated.customer_id and latest_rated.latest_rank = 1
)

select * from final
