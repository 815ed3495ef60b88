-- One row per customer (latest delivery wins). The e-mail address arrives already
-- pseudonymised by the ingest (keyed hash, orchestration/ingest/pseudonym.py); the full
-- name is never landed.
-- Incremental (macro latest_delivery): a build reads only the versions loaded after the
-- table's load_seq watermark and replaces their keys' rows; same rows as a full build.
{{ config(
    materialized='incremental',
    unique_key='customer_id',
    incremental_strategy=incremental_strategy(),
    on_schema_change='fail',
) }}

with source as (
    {{ latest_delivery(landing_source('crm', 'customers'), 'customer_id', incremental=true) }}
),

renamed as (
    select
        customer_id,
        email_pseudonym,
        upper(country) as country_code,
        segment,
        lower(acquisition_channel) as acquisition_channel,
        created_at,
        versions_delivered,
        load_seq
    from source
)

select * from renamed
