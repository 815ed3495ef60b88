-- One row per order (latest delivery wins).
with source as (
    {{ latest_delivery(landing_source('crm', 'orders'), 'order_id') }}
),

renamed as (
    select
        order_id,
        customer_id,
        ordered_at,
        amount,
        coalesce(discount_amount, 0) as discount_amount,
        upper(currency) as currency_code,
        lower(status) as order_status
    from source
)

select * from renamed
