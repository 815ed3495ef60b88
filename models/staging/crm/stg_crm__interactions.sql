-- One row per contact moment (latest delivery wins), with the promise made to the customer.
-- Incremental (macro latest_delivery): a build reads only the versions loaded after the
-- table's load_seq watermark and replaces their keys' rows; same rows as a full build.
{{ config(
    materialized='incremental',
    unique_key='interaction_id',
    incremental_strategy=incremental_strategy(),
    on_schema_change='fail',
) }}

with source as (
    {{ latest_delivery(landing_source('crm', 'interactions'), 'interaction_id', incremental=true) }}
),

renamed as (
    select
        interaction_id,
        customer_id,
        channel,
        touchpoint,
        started_at,
        promised_by,
        responded_at,
        resolved_at,
        versions_delivered,
        load_seq
    from source
)

select * from renamed
