-- One row per contact moment (CRM interaction) with what the customer experienced there:
-- the status of the promise made (kept, broken, open; null without a promise) at the as-of
-- date, and the emotion the customer reported for it. Emotions are not in the CRM export:
-- a contact moment's emotion is the one of the transactional survey answer that names its
-- interaction_id (the first such answer with a known emotion label when there are several).
-- A response after the as-of date has not happened yet and is ignored.
with interactions as (
    select * from {{ ref('stg_crm__interactions') }}
),

answers as (
    select
        response_id,
        interaction_id,
        submitted_at,
        emotion,
        emotion_valence
    from {{ ref('fct_survey_responses') }}
    where
        survey_type = 'transactional'
        and interaction_id is not null
        and emotion_valence is not null
),

as_of as (
    select as_of_at from {{ ref('int_as_of_date') }}
),

ranked_answers as (
    select
        response_id,
        interaction_id,
        emotion,
        emotion_valence,
        row_number() over (
            partition by interaction_id order by submitted_at, response_id
        ) as answer_rank
    from answers
),

emotions as (
    select
        response_id,
        interaction_id,
        emotion,
        emotion_valence
    from ranked_answers
    where answer_rank = 1
),

responded as (
    select
        interactions.interaction_id,
        interactions.customer_id,
        interactions.channel,
        interactions.touchpoint,
        interactions.started_at,
        interactions.promised_by,
        case
            when interactions.responded_at <= as_of.as_of_at then interactions.responded_at
        end as responded_at,
        as_of.as_of_at
    from interactions
    cross join as_of
),

assessed as (
    select
        responded.interaction_id,
        responded.customer_id,
        responded.channel,
        responded.touchpoint,
        responded.started_at,
        responded.promised_by,
        responded.responded_at,
        case
            when responded.promised_by is null then null
            when responded.responded_at <= responded.promised_by then 'kept'
            when responded.responded_at is not null then 'broken'
            when responded.promised_by < responded.as_of_at then 'broken'
            else 'open'
        end as promise_status,
        case
            when responded.promised_by is not null
                then {{ hours_between('responded.started_at', 'responded.promised_by') }}
        end as promised_hours,
        case
            when responded.promised_by is null then null
            when responded.responded_at <= responded.promised_by then 0.0
            when responded.responded_at is not null
                then {{ hours_between('responded.promised_by', 'responded.responded_at') }}
            when responded.promised_by < responded.as_of_at
                then {{ hours_between('responded.promised_by', 'responded.as_of_at') }}
        end as hours_late,
        emotions.response_id as emotion_response_id,
        emotions.emotion,
        emotions.emotion_valence
    from responded
    left join emotions
        on responded.interaction_id = emotions.interaction_id
)

select * from assessed
