-- Closing the loop: one row per detractor answer (NPS 0-6) of a customer known to the CRM,
-- with the first contact moment of that customer that started after the answer (up to the
-- as-of date) and the loop status: closed (followed up within var `followup_within_hours`
-- hours), closed_late (followed up later), overdue (no follow-up, the hours have passed at
-- the as-of date), open (no follow-up yet, still within the hours at the as-of date).
with detractors as (
    select
        response_id,
        customer_id,
        survey_type,
        submitted_at,
        nps_score,
        comment,
        touchpoint,
        channel
    from {{ ref('fct_survey_responses') }}
    where
        nps_category = 'detractor'
        and is_known_customer
),

interactions as (
    select
        interaction_id,
        customer_id,
        channel,
        started_at
    from {{ ref('int_contact_moments_assessed') }}
),

as_of as (
    select as_of_at from {{ ref('int_as_of_date') }}
),

candidate_followups as (
    select
        detractors.response_id,
        interactions.interaction_id,
        interactions.channel,
        interactions.started_at,
        row_number() over (
            partition by detractors.response_id
            order by interactions.started_at, interactions.interaction_id
        ) as followup_rank
    from detractors
    inner join interactions
        on
            detractors.customer_id = interactions.customer_id
            and detractors.submitted_at < interactions.started_at
    cross join as_of
    where interactions.started_at <= as_of.as_of_at
),

timed as (
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
        {{ hours_between('detractors.submitted_at', 'candidate_followups.started_at') }} as hours_to_followup,
        {{ hours_between('detractors.submitted_at', 'as_of.as_of_at') }} as hours_since_answer
    from detractors
    cross join as_of
    left join candidate_followups
        on
            detractors.response_id = candidate_followups.response_id
            and candidate_followups.followup_rank = 1
),

final as (
    select
        response_id,
        customer_id,
        survey_type,
        submitted_at,
        nps_score,
        comment,
        touchpoint,
        channel,
        followup_interaction_id,
        followup_channel,
        followup_started_at,
        hours_to_followup,
        case
            when hours_to_followup <= {{ var('followup_within_hours') }} then 'closed'
            when hours_to_followup is not null then 'closed_late'
            when hours_since_answer > {{ var('followup_within_hours') }} then 'overdue'
            else 'open'
        end as status
    from timed
)

select * from final
