-- Every delivered version of every survey answer with its scores classified (NPS group,
-- low effort, satisfied), its emotion mapped to a valence, and flags for anonymous answers
-- and customers the CRM export does not (yet) know. Answers are kept and counted in every
-- metric either way. Versions, not answers: fct_survey_responses keeps the latest version of
-- each answer, and only scores the versions loaded since its last build (row-wise logic, so
-- a version scores the same whichever build it arrives in). Ephemeral, unlike the other
-- intermediate models: as a table it would score every version on every build, and the
-- incremental fact's load-watermark filter reaches the Parquet scan only through a CTE.
{{ config(materialized='ephemeral') }}

with responses as (
    select * from {{ ref('stg_survey__responses') }}
),

customers as (
    select customer_id from {{ ref('stg_crm__customers') }}
),

emotions as (
    select
        label,
        emotion,
        valence
    from {{ ref('emotion_vocabulary') }}
),

scored as (
    select
        responses.response_id,
        responses.customer_id,
        responses.customer_id is null as is_anonymous,
        customers.customer_id is not null as is_known_customer,
        responses.survey_type,
        responses.interaction_id,
        responses.touchpoint,
        responses.channel,
        responses.submitted_at,
        cast({{ dbt.date_trunc('month', 'responses.submitted_at') }} as date) as submitted_month,
        responses.nps_score,
        {{ nps_category('responses.nps_score') }} as nps_category,
        responses.ces_score,
        case
            when responses.ces_score is not null
                then responses.ces_score >= {{ var('ces_easy_min') }}
        end as is_low_effort,
        responses.csat_score,
        case
            when responses.csat_score is not null
                then responses.csat_score >= {{ var('csat_satisfied_min') }}
        end as is_satisfied,
        responses.emotion_label,
        emotions.emotion,
        emotions.valence as emotion_valence,
        responses.comment,
        responses.language_code,
        responses.source_file_name,
        responses.load_seq,
        responses.record_number
    from responses
    left join customers
        on responses.customer_id = customers.customer_id
    left join emotions
        on responses.emotion_label = emotions.label
)

select * from scored
