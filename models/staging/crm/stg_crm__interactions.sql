-- One row per contact moment (latest delivery wins), with the promise made to the customer.
with source as (
    {{ latest_delivery(landing_source('crm', 'interactions'), 'interaction_id') }}
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
        resolved_at
    from source
)

select * from renamed
