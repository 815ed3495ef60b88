-- One row per response_id: the version from the latest delivery (load order, then the
-- last record in that file) replaces earlier ones.
with source as (
    {{ latest_delivery(landing_source('survey', 'responses'), 'response_id') }}
),

renamed as (
    select
        response_id,
        customer_id,
        survey_type,
        interaction_id,
        touchpoint,
        channel,
        submitted_at,
        nps_score,
        ces_score,
        csat_score,
        lower(trim(emotion)) as emotion_label,
        comment,
        lower(language) as language_code,
        versions_delivered,
        _file_name as source_file_name
    from source
)

select * from renamed
