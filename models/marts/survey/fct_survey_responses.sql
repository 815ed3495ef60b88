-- One row per survey answer (the latest delivered version of each response_id).
-- Incremental: a build reads only the versions loaded after the last one (load_seq above the
-- table's watermark), keeps the latest of each answer and replaces the answer's row by
-- response_id (a corrected re-delivery replaces the old version); versions_delivered adds the
-- new versions to those counted before. Answers whose customer the CRM export did not know at
-- the last build and now does are re-emitted as is_known_customer. A new emotion vocabulary
-- needs `dbt build --full-refresh`. Same rows as a full build (tests/test_incremental.py). If the
-- landing no longer holds the versions counted (wiped and re-ingested, files removed), the
-- build stops with an error asking for --full-refresh (macro load_watermark).
{{ config(
    materialized='incremental',
    unique_key='response_id',
    incremental_strategy=incremental_strategy(),
    on_schema_change='fail',
) }}

-- depends_on: {{ ref('stg_crm__customers') }}
-- depends_on: {{ ref('stg_survey__responses') }}
{%- set batch_only = incremental_batch_only() %}

with scored as (
    select * from {{ ref('int_survey_responses_scored') }}
    {%- if batch_only %}
        where load_seq > {{
            load_watermark(this, versions=ref('stg_survey__responses'), versions_column='load_seq')
        }}
    {%- endif %}
),

ranked as (
    select
        *,
        row_number() over (
            partition by response_id order by load_seq desc, record_number desc
        ) as version_rank,
        count(*) over (partition by response_id) as new_versions
    from scored
),

{% if batch_only -%}
    previous as (
        select * from {{ this }}
    ),

    customers as (
        select customer_id from {{ ref('stg_crm__customers') }}
    ),

{% endif -%}

latest as (
    select
        ranked.response_id,
        ranked.customer_id,
        ranked.is_anonymous,
        ranked.is_known_customer,
        ranked.survey_type,
        ranked.interaction_id,
        ranked.touchpoint,
        ranked.channel,
        ranked.submitted_at,
        ranked.submitted_month,
        ranked.nps_score,
        ranked.nps_category,
        ranked.ces_score,
        ranked.is_low_effort,
        ranked.csat_score,
        ranked.is_satisfied,
        ranked.emotion_label,
        ranked.emotion,
        ranked.emotion_valence,
        ranked.comment,
        ranked.language_code,
        {%- if batch_only %}
            cast(ranked.new_versions + coalesce(previous.versions_delivered, 0) as bigint)
                as versions_delivered,
        {%- else %}
            cast(ranked.new_versions as bigint) as versions_delivered,
        {%- endif %}
        ranked.source_file_name,
        ranked.load_seq
    from ranked
    {%- if batch_only %}
        left join previous
            on ranked.response_id = previous.response_id
    {%- endif %}
    where ranked.version_rank = 1
),

{% if batch_only -%}
    -- earlier answers of customers the CRM export knows now (not in this batch)
    newly_known as (
        select
            previous.response_id,
            previous.customer_id,
            previous.is_anonymous,
            true as is_known_customer,
            previous.survey_type,
            previous.interaction_id,
            previous.touchpoint,
            previous.channel,
            previous.submitted_at,
            previous.submitted_month,
            previous.nps_score,
            previous.nps_category,
            previous.ces_score,
            previous.is_low_effort,
            previous.csat_score,
            previous.is_satisfied,
            previous.emotion_label,
            previous.emotion,
            previous.emotion_valence,
            previous.comment,
            previous.language_code,
            previous.versions_delivered,
            previous.source_file_name,
            previous.load_seq
        from previous
        inner join customers
            on previous.customer_id = customers.customer_id
        left join latest
            on previous.response_id = latest.response_id
        where not previous.is_known_customer and latest.response_id is null
    ),

    final as (
        select * from latest
        union all
        select * from newly_known
    )
{%- else -%}
    final as (
        select * from latest
    )
{%- endif %}

select * from final
