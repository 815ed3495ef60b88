-- One row per contact moment with a promise (promised_by set): was it kept? Kept when the
-- response came at or before promised_by; broken when it came later, or when there was no
-- response at all by the as-of date and promised_by has passed; open when there is no
-- response yet and promised_by is not yet past at the as-of date (is_kept null).
with contact_moments as (
    select * from {{ ref('int_contact_moments_assessed') }}
    where promised_by is not null
),

final as (
    select
        interaction_id,
        customer_id,
        channel,
        touchpoint,
        started_at,
        promised_by,
        responded_at,
        promised_hours,
        promise_status as status,
        case
            when promise_status = 'kept' then true
            when promise_status = 'broken' then false
        end as is_kept,
        hours_late
    from contact_moments
)

select * from final
