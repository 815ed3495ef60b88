-- The as-of-free half of int_contact_moments_assessed: one row per contact moment (CRM
-- interaction) of a customer, with its promise as of no date (promise_missed_at: promised_by
-- when no response came at or before it, whenever that is), the first response, the emotion
-- of the first transactional answer naming the interaction (macro first_emotion_answers, of
-- whichever customer the answer is) and, for a contact moment with a promise, the customer's
-- next NPS answer (first after it started, within var `promise_next_answer_days` days; of any
-- survey type) that fct_promise_impact compares kept and broken promises by.
-- Customer-scoped incremental (macro customer_batch): a build rebuilds the rows of the
-- customers with a newly delivered contact moment, emotion answer naming one of their contact
-- moments (of any customer) or NPS answer; interaction_load_seq, emotion_load_seq and
-- next_answer_load_seq are those watermarks. The keys find the customers a re-delivered
-- contact moment or answer moved away from. Contact moments without a customer have no
-- customer to rebuild them by: int_contact_moments_assessed reads them from staging.
{{ config(
    materialized='incremental',
    incremental_strategy=customer_batch_strategy(),
    unique_key='interaction_id',
    customer_batch=[
        {'ref': 'stg_crm__interactions', 'column': 'interaction_load_seq',
         'keys': [['interaction_id', 'interaction_id']]},
        {'ref': 'fct_survey_responses', 'column': 'emotion_load_seq',
         'keys': [['interaction_id', 'interaction_id'], ['emotion_response_id', 'response_id']]},
        {'ref': 'fct_survey_responses', 'column': 'next_answer_load_seq',
         'keys': [['next_response_id', 'response_id']]},
    ],
    on_schema_change='fail',
) }}

with interactions as (
    select
        interaction_id,
        customer_id,
        channel,
        touchpoint,
        started_at,
        promised_by,
        responded_at,
        load_seq
    from {{ ref('stg_crm__interactions') }}
    where
        customer_id is not null
        and {{ in_customer_batch('customer_id') }}
),

-- the NPS answers of the batch's customers (candidates for a promise's next answer)
answers as (
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

-- the first answer with a known emotion naming each of the batch's contact moments
emotions as (
    {{ first_emotion_answers(ref('fct_survey_responses'), 'interactions') }}
),

candidate_answers as (
    select
        interactions.interaction_id,
        answers.response_id,
        answers.nps_category,
        answers.load_seq,
        row_number() over (
            partition by interactions.interaction_id
            order by answers.submitted_at, answers.response_id
        ) as answer_rank
    from interactions
    inner join answers
        on
            interactions.customer_id = answers.customer_id
            and interactions.started_at < answers.submitted_at
            and {{ dbt.dateadd('day', var('promise_next_answer_days') | int, 'interactions.started_at') }}
            >= answers.submitted_at
    where interactions.promised_by is not null
),

final as (
    select
        interactions.interaction_id,
        interactions.customer_id,
        interactions.channel,
        interactions.touchpoint,
        interactions.started_at,
        interactions.promised_by,
        interactions.responded_at,
        case
            when interactions.promised_by is null then null
            when interactions.responded_at <= interactions.promised_by then null
            else interactions.promised_by
        end as promise_missed_at,
        emotions.response_id as emotion_response_id,
        emotions.emotion,
        emotions.emotion_valence,
        candidate_answers.response_id as next_response_id,
        candidate_answers.nps_category as next_nps_category,
        interactions.load_seq as interaction_load_seq,
        emotions.load_seq as emotion_load_seq,
        candidate_answers.load_seq as next_answer_load_seq
    from interactions
    left join emotions
        on interactions.interaction_id = emotions.interaction_id
    left join candidate_answers
        on
            interactions.interaction_id = candidate_answers.interaction_id
            and candidate_answers.answer_rank = 1
)

select * from final
