-- One row per customer (latest delivery wins). The e-mail address arrives already
-- pseudonymised by the ingest (keyed hash, orchestration/ingest/pseudonym.py); the full
-- name is never landed.
with source as (
    {{ latest_delivery(landing_source('crm', 'customers'), 'customer_id') }}
),

renamed as (
    select
        customer_id,
        email_pseudonym,
        upper(country) as country_code,
        segment,
        lower(acquisition_channel) as acquisition_channel,
        created_at
    from source
)

select * from renamed
