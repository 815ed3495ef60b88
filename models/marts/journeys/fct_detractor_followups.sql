-- Closing the loop: one row per detractor answer (NPS 0-6) of a customer known to the CRM,
-- with the first contact moment of that customer that started after the answer (up to the
-- as-of date) and the loop status: closed (followed up within var `followup_within_hours`
-- hours), closed_late (followed up later), overdue (no follow-up, the hours have passed at
-- the as-of date), open (no follow-up yet, still within the hours at the as-of date).
-- The follow-ups come from int_detractor_followups (incremental, as-of free); this step only
-- applies the as-of date: a first follow-up after it has not happened yet (and no other one
-- has, as it is the first).
with followups as (
    select * from {{ ref('int_detractor_followups') }}
),

as_of as (
    select as_of_at from {{ ref('int_as_of_date') }}
),

visible as (
    select
        followups.response_id,
        followups.customer_id,
        followups.survey_type,
        followups.submitted_at,
        followups.nps_score,
        followups.comment,
        followups.touchpoint,
        followups.channel,
        case
            when followups.followup_started_at <= as_of.as_of_at then followups.followup_interaction_id
        end as followup_interaction_id,
        case
            when followups.followup_started_at <= as_of.as_of_at then followups.followup_channel
        end as followup_channel,
        case
            when followups.followup_started_at <= as_of.as_of_at then followups.followup_started_at
        end as followup_started_at,
        {{ hours_between('followups.submitted_at', 'as_of.as_of_at') }} as hours_since_answer
    from followups
    cross join as_of
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
        {{ hours_between('submitted_at', 'followup_started_at') }} as hours_to_followup,
        case
            when followup_started_at is null and hours_since_answer > {{ var('followup_within_hours') }}
                then 'overdue'
            when followup_started_at is null then 'open'
            when
                {{ hours_between('submitted_at', 'followup_started_at') }}
                <= {{ var('followup_within_hours') }}
                then 'closed'
            else 'closed_late'
        end as status
    from visible
)

select * from final
