-- One row per survey answer (the latest delivered version of each response_id).
with scored as (
    select * from {{ ref('int_survey_responses_scored') }}
),

final as (
    select
        response_id,
        customer_id,
        is_anonymous,
        is_known_customer,
        survey_type,
        interaction_id,
        touchpoint,
        channel,
        submitted_at,
        submitted_month,
        nps_score,
        nps_category,
        ces_score,
        is_low_effort,
        csat_score,
        is_satisfied,
        emotion_label,
        emotion,
        emotion_valence,
        comment,
        language_code,
        versions_delivered,
        source_file_name
    from scored
)

select * from final
