-- The as-of-free half of fct_detractor_followups: one row per detractor answer (NPS 0-6) of a
-- customer known to the CRM, with the customer's first contact moment that started after the
-- answer (earliest started_at, then lowest interaction_id),
-- whenever that was. fct_detractor_followups cuts it at the as-of date and derives the status.
-- Customer-scoped incremental (macro customer_batch): a build rebuilds the rows of the
-- customers with newly delivered answers, contact moments or CRM records and keeps the rest;
-- load_seq, followup_load_seq and customer_load_seq are the load sequences of the answer, the
-- follow-up and the customer record (the watermarks).
{{ config(
    materialized='incremental',
    incremental_strategy=customer_batch_strategy(),
    unique_key='response_id',
    customer_batch=[
        {'ref': 'fct_survey_responses', 'column': 'load_seq',
         'keys': [['response_id', 'response_id']]},
        {'ref': 'stg_crm__interactions', 'column': 'followup_load_seq',
         'keys': [['followup_interaction_id', 'interaction_id']]},
        {'ref': 'stg_crm__customers', 'column': 'customer_load_seq'},
    ],
    on_schema_change='fail',
) }}

with detractors as (
    select
        response_id,
        customer_id,
        survey_type,
        submitted_at,
        nps_score,
        comment,
        touchpoint,
        channel,
        load_seq
    from {{ ref('fct_survey_responses') }}
    where
        nps_category = 'detractor'
        and is_known_customer
        and {{ in_customer_batch('customer_id') }}
),

customers as (
    select
        customer_id,
        load_seq
    from {{ ref('stg_crm__customers') }}
    where {{ in_customer_batch('customer_id') }}
),

interactions as (
    select
        interaction_id,
        customer_id,
        channel,
        started_at,
        load_seq
    from {{ ref('stg_crm__interactions') }}
    where
        customer_id is not null
        and {{ in_customer_batch('customer_id') }}
),

candidate_followups as (
    select
        detractors.response_id,
        interactions.interaction_id,
        interactions.channel,
        interactions.started_at,
        interactions.load_seq,
        row_number() over (
            partition by detractors.response_id
            order by interactions.started_at, interactions.interaction_id
        ) as followup_rank
    from detractors
    inner join interactions
        on
            detractors.customer_id = interactions.customer_id
            and detractors.submitted_at < interactions.started_at
),

final as (
    select
        detractors.response_id,
        detractors.customer_id,
        detractors.survey_type,
        detractors.submitted_at,
        detractors.nps_score,
        detractors.comment,
        detractors.touchpoint,
        detractors.channel,
        candidate_followups.interaction_id as followup_interaction_id,
        candidate_followups.channel as followup_channel,
        candidate_followups.started_at as followup_started_at,
        detractors.load_seq,
        candidate_followups.load_seq as followup_load_seq,
        customers.load_seq as customer_load_seq
    from detractors
    inner join customers
        on detractors.customer_id = customers.customer_id
    left join candidate_followups
        on
            detractors.response_id = candidate_followups.response_id
            and candidate_followups.followup_rank = 1
)

select * from final
