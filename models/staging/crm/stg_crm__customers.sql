-- One row per customer (latest delivery wins). The e-mail address is pseudonymised with a
-- keyed hash; the full name is not carried on.
with source as (
    {{ latest_delivery(landing_source('crm', 'customers'), 'customer_id') }}
),

renamed as (
    select
        customer_id,
        {{ pseudonymise('email') }} as email_pseudonym,
        upper(country) as country_code,
        segment,
        lower(acquisition_channel) as acquisition_channel,
        created_at
    from source
)

select * from renamed
