-- The as-of-free half of fct_survival_by_nps_group: one row per subscription with the NPS
-- answers of its customer that decide its NPS group at the start, whenever they happened:
-- the latest NPS answer on or before started_at (by submitted_at, then response_id), and the
-- first one after it within var `survival_nps_lookahead_days` and not after ended_at (earliest
-- submitted_at, then lowest response_id). fct_survival_by_nps_group applies the as-of date:
-- a look-ahead answer after it does not count yet (the first one is the only candidate: when
-- it lies after the as-of date, so do all later ones).
-- Customer-scoped incremental (macro customer_batch): a build rebuilds the rows of the
-- customers with newly delivered subscriptions or answers, and of the customers a subscription
-- or an answer moved away from (option keys for subscriptions; option versions for answers,
-- every one of them: an answer that was not chosen does not change the choice by leaving, but
-- it may have been the latest one, answer_load_seq); load_seq is the subscription's load
-- sequence, answer_load_seq the latest of the customer's NPS answers (the watermarks).
-- depends_on: {{ ref('stg_survey__responses') }} (every delivered version, a customer_batch part)
{{ config(
    materialized='incremental',
    incremental_strategy=customer_batch_strategy(),
    unique_key='subscription_id',
    customer_batch=[
        {'ref': 'stg_crm__subscriptions', 'column': 'load_seq',
         'keys': [['subscription_id', 'subscription_id']]},
        {'ref': 'fct_survey_responses', 'column': 'answer_load_seq',
         'versions': {'ref': 'stg_survey__responses', 'key': 'response_id'}},
    ],
    on_schema_change='fail',
) }}

with subscriptions as (
    select
        subscription_id,
        customer_id,
        started_at,
        ended_at,
        load_seq
    from {{ ref('stg_crm__subscriptions') }}
    where {{ in_customer_batch('customer_id') }}
),

nps_answers as (
    select
        response_id,
        customer_id,
        submitted_at,
        nps_category,
        load_seq
    from {{ ref('fct_survey_responses') }}
    where
        nps_score is not null
        and customer_id is not null
        and {{ in_customer_batch('customer_id') }}
),

answer_watermarks as (
    select
        customer_id,
        max(load_seq) as answer_load_seq
    from nps_answers
    group by customer_id
),

answers_before as (
    select
        subscriptions.subscription_id,
        nps_answers.response_id,
        nps_answers.nps_category,
        row_number() over (
            partition by subscriptions.subscription_id
            order by nps_answers.submitted_at desc, nps_answers.response_id desc
        ) as answer_rank
    from subscriptions
    inner join nps_answers
        on
            subscriptions.customer_id = nps_answers.customer_id
            and subscriptions.started_at >= nps_answers.submitted_at
),

answers_after as (
    select
        subscriptions.subscription_id,
        nps_answers.response_id,
        nps_answers.submitted_at,
        nps_answers.nps_category,
        row_number() over (
            partition by subscriptions.subscription_id
            order by nps_answers.submitted_at asc, nps_answers.response_id asc
        ) as answer_rank
    from subscriptions
    inner join nps_answers
        on
            subscriptions.customer_id = nps_answers.customer_id
            and subscriptions.started_at < nps_answers.submitted_at
            and coalesce(subscriptions.ended_at >= nps_answers.submitted_at, true)
            and {{ dbt.dateadd(
                'day', var('survival_nps_lookahead_days'), 'subscriptions.started_at'
            ) }} >= nps_answers.submitted_at
),

final as (
    select
        subscriptions.subscription_id,
        subscriptions.customer_id,
        subscriptions.started_at,
        subscriptions.ended_at,
        answers_before.response_id as start_response_id,
        answers_before.nps_category as start_nps_group,
        answers_after.response_id as lookahead_response_id,
        answers_after.submitted_at as lookahead_submitted_at,
        answers_after.nps_category as lookahead_nps_group,
        subscriptions.load_seq,
        answer_watermarks.answer_load_seq
    from subscriptions
    left join answers_before
        on
            subscriptions.subscription_id = answers_before.subscription_id
            and answers_before.answer_rank = 1
    left join answers_after
        on
            subscriptions.subscription_id = answers_after.subscription_id
            and answers_after.answer_rank = 1
    left join answer_watermarks
        on subscriptions.customer_id = answer_watermarks.customer_id
)

select * from final
