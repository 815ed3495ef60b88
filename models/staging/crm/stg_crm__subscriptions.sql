-- One row per subscription (latest delivery wins); ended_at is null while active.
-- Incremental (macro latest_delivery): a build reads only the versions loaded after the
-- table's load_seq watermark and replaces their keys' rows; same rows as a full build.
{{ config(
    materialized='incremental',
    unique_key='subscription_id',
    incremental_strategy=incremental_strategy(),
    on_schema_change='fail',
) }}

with source as (
    {{ latest_delivery(landing_source('crm', 'subscriptions'), 'subscription_id', incremental=true) }}
),

renamed as (
    select
        subscription_id,
        customer_id,
        lower(plan) as plan_name,
        started_at,
        ended_at,
        monthly_amount,
        versions_delivered,
        load_seq
    from source
)

select * from renamed
