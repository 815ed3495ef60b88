-- One row per contact moment (CRM interaction) with what the customer experienced there:
-- the status of the promise made (kept, broken, open; null without a promise) at the as-of
-- date, and the emotion the customer reported for it (the first transactional answer naming
-- its interaction_id with a known emotion label, macro first_emotion_answers). A response
-- after the as-of date has not happened yet and is ignored.
-- The as-of step: the contact moments come as of no date from the customer-scoped incremental
-- int_contact_moments; only those without a customer (no customer to rebuild them by) are
-- read from staging here. Then cheap projections against the as-of date.
with customer_contact_moments as (
    select
        interaction_id,
        customer_id,
        channel,
        touchpoint,
        started_at,
        promised_by,
        responded_at,
        emotion_response_id,
        emotion,
        emotion_valence
    from {{ ref('int_contact_moments') }}
),

anonymous_interactions as (
    select
        interaction_id,
        customer_id,
        channel,
        touchpoint,
        started_at,
        promised_by,
        responded_at
    from {{ ref('stg_crm__interactions') }}
    where customer_id is null
),

as_of as (
    select as_of_at from {{ ref('int_as_of_date') }}
),

anonymous_emotions as (
    {{ first_emotion_answers(ref('fct_survey_responses'), 'anonymous_interactions') }}
),

contact_moments as (
    select * from customer_contact_moments
    union all
    select
        anonymous_interactions.interaction_id,
        anonymous_interactions.customer_id,
        anonymous_interactions.channel,
        anonymous_interactions.touchpoint,
        anonymous_interactions.started_at,
        anonymous_interactions.promised_by,
        anonymous_interactions.responded_at,
        anonymous_emotions.response_id as emotion_response_id,
        anonymous_emotions.emotion,
        anonymous_emotions.emotion_valence
    from anonymous_interactions
    left join anonymous_emotions
        on anonymous_interactions.interaction_id = anonymous_emotions.interaction_id
),

responded as (
    select
        contact_moments.interaction_id,
        contact_moments.customer_id,
        contact_moments.channel,
        contact_moments.touchpoint,
        contact_moments.started_at,
        contact_moments.promised_by,
        case
            when contact_moments.responded_at <= as_of.as_of_at then contact_moments.responded_at
        end as responded_at,
        contact_moments.emotion_response_id,
        contact_moments.emotion,
        contact_moments.emotion_valence,
        as_of.as_of_at
    from contact_moments
    cross join as_of
),

assessed as (
    select
        interaction_id,
        customer_id,
        channel,
        touchpoint,
        started_at,
        promised_by,
        responded_at,
        case
            when promised_by is null then null
            when responded_at <= promised_by then 'kept'
            when responded_at is not null then 'broken'
            when promised_by < as_of_at then 'broken'
            else 'open'
        end as promise_status,
        case
            when promised_by is not null
                then {{ hours_between('started_at', 'promised_by') }}
        end as promised_hours,
        case
            when promised_by is null then null
            when responded_at <= promised_by then 0.0
            when responded_at is not null
                then {{ hours_between('promised_by', 'responded_at') }}
            when promised_by < as_of_at
                then {{ hours_between('promised_by', 'as_of_at') }}
        end as hours_late,
        emotion_response_id,
        emotion,
        emotion_valence
    from responded
)

select * from assessed
