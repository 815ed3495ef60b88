-- The moment "now" is measured against (tenure, recency, active subscriptions, churn): var
-- `as_of_date` (LOYALTY_AS_OF_DATE, an ISO date: 00:00 UTC of that day) when set, otherwise
-- the latest event of any kind in the exports that is not after the latest load: answers,
-- orders, subscription starts and ends, contact moments and their first response and
-- resolution, customers created. An end or a resolution after the load (a contract that
-- ends next month) has not happened yet and does not move "now". Rebuilding the same exports
-- always gives the same as-of date. as_of_source says which rule gave it.
{%- set as_of_date = (var('as_of_date') or '') | string | trim %}
{%- if as_of_date and not modules.re.match('^[0-9]{4}-[0-9]{2}-[0-9]{2}$', as_of_date) %}
    {{ exceptions.raise_compiler_error(
        "var as_of_date / LOYALTY_AS_OF_DATE is '" ~ as_of_date
        ~ "'; set an ISO date such as 2025-03-31, or leave it empty for the latest event") }}
{%- endif %}
with loads as (
    select max(loaded_at) as loaded_at from {{ ref('stg_ingest__ledger') }}
),

event_times as (
    select submitted_at as event_at from {{ ref('fct_survey_responses') }}
    union all
    select ordered_at as event_at from {{ ref('stg_crm__orders') }}
    union all
    select started_at as event_at from {{ ref('stg_crm__subscriptions') }}
    union all
    select ended_at as event_at from {{ ref('stg_crm__subscriptions') }}
    union all
    select started_at as event_at from {{ ref('stg_crm__interactions') }}
    union all
    select responded_at as event_at from {{ ref('stg_crm__interactions') }}
    union all
    select resolved_at as event_at from {{ ref('stg_crm__interactions') }}
    union all
    select created_at as event_at from {{ ref('stg_crm__customers') }}
),

latest_event as (
    select max(event_times.event_at) as event_at
    from event_times
    cross join loads
    where loads.loaded_at is null or event_times.event_at <= loads.loaded_at
),

final as (
    select
        {%- if as_of_date %}
            cast('{{ as_of_date }}' as timestamp) as as_of_at,
            'LOYALTY_AS_OF_DATE' as as_of_source
        {%- else %}
            event_at as as_of_at,
            'latest event' as as_of_source
        {%- endif %}
    from latest_event
)

select * from final
