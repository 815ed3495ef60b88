-- One row per subscription (latest delivery wins); ended_at is null while active.
with source as (
    {{ latest_delivery(landing_source('crm', 'subscriptions'), 'subscription_id') }}
),

renamed as (
    select
        subscription_id,
        customer_id,
        lower(plan) as plan_name,
        started_at,
        ended_at,
        monthly_amount
    from source
)

select * from renamed
