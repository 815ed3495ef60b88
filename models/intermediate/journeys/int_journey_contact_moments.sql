-- One row per journey and contact moment. A journey closes with a relational survey answer
-- that has an NPS score, of a customer known to the CRM (journey_id = that response_id); it
-- holds the customer's contact moments that started in the var `journey_window_days` days
-- before the answer (from closed_at - window, inclusive, to closed_at, exclusive). A journey
-- without contact moments keeps one row with a null interaction_id, so every closing answer
-- stays visible. is_end_moment marks the last contact moment with an observed emotion (latest
-- started_at, then highest interaction_id).
with closing_answers as (
    select
        response_id as journey_id,
        customer_id,
        submitted_at as closed_at,
        nps_score,
        nps_category
    from {{ ref('fct_survey_responses') }}
    where
        survey_type = 'relational'
        and nps_score is not null
        and is_known_customer
),

contact_moments as (
    select
        interaction_id,
        customer_id,
        channel,
        touchpoint,
        started_at,
        promise_status,
        emotion_valence
    from {{ ref('int_contact_moments_assessed') }}
    where customer_id is not null
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
        contact_moments.promise_status,
        contact_moments.emotion_valence
    from closing_answers
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

final as (
    select
        journey_id,
        customer_id,
        closed_at,
        nps_score,
        nps_category,
        interaction_id,
        channel,
        touchpoint,
        started_at,
        promise_status,
        emotion_valence,
        emotion_valence is not null and end_rank = 1 as is_end_moment
    from ranked
)

select * from final
