-- One row per journey and contact moment. A journey closes with a relational survey answer
-- that has an NPS score, of a customer known to the CRM (journey_id = that response_id); it
-- holds the customer's contact moments that started in the var `journey_window_days` days
-- before the answer (from closed_at - window, inclusive, to closed_at, exclusive). A journey
-- without contact moments keeps one row with a null interaction_id, so every closing answer
-- stays visible. is_end_moment marks the last contact moment with an observed emotion (latest
-- started_at, then highest interaction_id).
-- As of no date: a contact moment's promise is described by promise_missed_at (promised_by
-- when no response came at or before it, whenever that is); the readers compare it with the
-- as-of date (broken <=> promise_missed_at < as_of_at, int_contact_moments_assessed). The
-- emotion is the one of the first transactional answer naming the interaction_id with a known
-- emotion label, of whichever customer the answer is: both read from int_contact_moments (one
-- rule, macro first_emotion_answers), rebuilt for its own batch before this model.
-- Customer-scoped incremental (macro customer_batch): a build rebuilds the rows of the
-- customers with a newly delivered closing answer, contact moment, emotion answer or CRM
-- record; journey_load_seq, interaction_load_seq, emotion_load_seq and customer_load_seq are
-- those watermarks. The journey's summary (contact moments, touchpoints, the emotions the
-- peak-end way: peak the most extreme valence, a tie going to the negative one, end the end
-- moment's; promises missed at any time) is on each of its rows: a separate incremental
-- model of journeys could not tell which customers lost a contact moment or an emotion answer
-- to another customer (only these rows can), so the summaries are rebuilt with the rows;
-- is_journey_row marks one row per journey for fct_customer_journeys.
-- depends_on: {{ ref('stg_crm__interactions') }} (a customer_batch part)
{{ config(
    materialized='incremental',
    incremental_strategy=customer_batch_strategy(),
    unique_key=['journey_id', 'interaction_id'],
    customer_batch=[
        {'ref': 'fct_survey_responses', 'column': 'journey_load_seq',
         'keys': [['journey_id', 'response_id']]},
        {'ref': 'stg_crm__interactions', 'column': 'interaction_load_seq',
         'keys': [['interaction_id', 'interaction_id']]},
        {'ref': 'fct_survey_responses', 'column': 'emotion_load_seq',
         'keys': [['interaction_id', 'interaction_id'], ['emotion_response_id', 'response_id']]},
        {'ref': 'stg_crm__customers', 'column': 'customer_load_seq'},
    ],
    on_schema_change='fail',
) }}

with closing_answers as (
    select
        response_id as journey_id,
        customer_id,
        submitted_at as closed_at,
        nps_score,
        nps_category,
        load_seq
    from {{ ref('fct_survey_responses') }}
    where
        survey_type = 'relational'
        and nps_score is not null
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

-- the batch's contact moments, as of no date: promise_missed_at and the emotion (of whichever
-- customer the answer is) come from int_contact_moments, built before this model
contact_moments as (
    select
        interaction_id,
        customer_id,
        channel,
        touchpoint,
        started_at,
        promise_missed_at,
        emotion_response_id,
        emotion_valence,
        interaction_load_seq,
        emotion_load_seq
    from {{ ref('int_contact_moments') }}
    where {{ in_customer_batch('customer_id') }}
),

joined as (
    select
        closing_answers.journey_id,
        closing_answers.customer_id,
        closing_answers.closed_at,
        closing_answers.nps_score,
        closing_answers.nps_category,
        contact_moments.interaction_id,
        contact_moments.channel,
        contact_moments.touchpoint,
        contact_moments.started_at,
        contact_moments.promise_missed_at,
        contact_moments.emotion_response_id,
        contact_moments.emotion_valence,
        closing_answers.load_seq as journey_load_seq,
        contact_moments.interaction_load_seq,
        contact_moments.emotion_load_seq,
        customers.load_seq as customer_load_seq
    from closing_answers
    inner join customers
        on closing_answers.customer_id = customers.customer_id
    left join contact_moments
        on
            closing_answers.customer_id = contact_moments.customer_id
            and closing_answers.closed_at > contact_moments.started_at
            and {{ dbt.dateadd('day', -1 * (var('journey_window_days') | int), 'closing_answers.closed_at') }}
            <= contact_moments.started_at
),

ranked as (
    select
        *,
        row_number() over (
            partition by journey_id
            order by
                case when emotion_valence is null then 1 else 0 end,
                started_at desc,
                interaction_id desc
        ) as end_rank
    from joined
),

journeys as (
    select
        journey_id,
        cast(count(interaction_id) as bigint) as contact_moments,
        {{ sorted_distinct_list('touchpoint') }} as touchpoints,
        cast(count(emotion_valence) as bigint) as emotions_observed,
        avg(cast(emotion_valence as double)) as mean_valence,
        {{ peak_valence('emotion_valence') }} as peak_valence,
        max(case when end_rank = 1 then emotion_valence end) as end_valence,
        cast(count(promise_missed_at) as bigint) as promises_missed
    from ranked
    group by journey_id
),

final as (
    select
        ranked.journey_id,
        ranked.customer_id,
        ranked.closed_at,
        ranked.nps_score,
        ranked.nps_category,
        ranked.interaction_id,
        ranked.channel,
        ranked.touchpoint,
        ranked.started_at,
        ranked.promise_missed_at,
        ranked.emotion_response_id,
        ranked.emotion_valence,
        ranked.emotion_valence is not null and ranked.end_rank = 1 as is_end_moment,
        ranked.end_rank = 1 as is_journey_row,
        journeys.contact_moments,
        journeys.touchpoints,
        journeys.emotions_observed,
        journeys.mean_valence,
        cast(journeys.peak_valence as integer) as peak_valence,
        cast(journeys.end_valence as integer) as end_valence,
        (cast(journeys.peak_valence as double) + cast(journeys.end_valence as double)) / 2.0
            as peak_end_score,
        journeys.promises_missed,
        ranked.journey_load_seq,
        ranked.interaction_load_seq,
        ranked.emotion_load_seq,
        ranked.customer_load_seq
    from ranked
    inner join journeys
        on ranked.journey_id = journeys.journey_id
)

select * from final
