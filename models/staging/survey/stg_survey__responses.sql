-- Every delivered version of every survey answer: one row per response_id and export-file
-- record, renamed and typed, with the landing's lineage: load_seq (the order the files were
-- loaded in) and record_number (the record within its file). A corrected re-delivery adds a
-- version; fct_survey_responses keeps the latest version of each answer and, built
-- incrementally, reads only the versions loaded after its last build (load_seq above its
-- watermark). A view, so that such a build reads only the new files.
{{ config(materialized='view') }}

with source as (
    select * from {{ landing_source('survey', 'responses') }}
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
        _file_name as source_file_name,
        _load_seq as load_seq,
        _record as record_number
    from source
)

select * from renamed
