-- The moment "now" is measured against (tenure, recency, active subscriptions): var
-- `as_of_date` when set, otherwise the latest event in the exports, so that rebuilding the
-- same exports always gives the same warehouse.
with events as (
    select max(submitted_at) as event_at from {{ ref('fct_survey_responses') }}
    union all
    select max(ordered_at) as event_at from {{ ref('stg_crm__orders') }}
    union all
    select max(started_at) as event_at from {{ ref('stg_crm__interactions') }}
    union all
    select max(started_at) as event_at from {{ ref('stg_crm__subscriptions') }}
    union all
    select max(created_at) as event_at from {{ ref('stg_crm__customers') }}
),

final as (
    select
        coalesce(
            cast(nullif('{{ var("as_of_date") }}', '') as timestamp),
            max(event_at)
        ) as as_of_at
    from events
)

select * from final
