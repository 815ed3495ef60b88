-- One row per export entity: was it ever delivered, how many of its records the warehouse
-- holds (the latest version of each), how many of them the marts count, and which marts
-- cannot be measured without it. Loaded records that all turn into zeros (an order log whose
-- status says nothing is completed, orders of customers the CRM export does not hold) are
-- flagged instead of silently giving zero orders and zero revenue; a mart that needs an
-- entity that was never delivered is "not measured", not a finding (no contact moments do
-- not make every detractor overdue).
with ledger as (
    select entity from {{ ref('stg_ingest__ledger') }}
),

customers as (
    select
        orders,
        subscriptions
    from {{ ref('dim_customers') }}
),

entities as (
    select
        'customers' as entity,
        1 as entity_order,
        'dim_customers,fct_persona_value,fct_detractor_followups,fct_retention_cohorts,'
        || 'fct_survival_by_nps_group,fct_satisfaction_vs_loyalty' as needed_by
    union all
    select
        'orders' as entity,
        2 as entity_order,
        'fct_persona_value' as needed_by
    union all
    select
        'subscriptions' as entity,
        3 as entity_order,
        'fct_survival_by_nps_group' as needed_by
    union all
    select
        'interactions' as entity,
        4 as entity_order,
        'fct_detractor_followups,fct_promises,fct_promise_impact,fct_touchpoint_drivers,'
        || 'fct_customer_journeys' as needed_by
    union all
    select
        'survey_responses' as entity,
        5 as entity_order,
        'fct_survey_responses,fct_nps_monthly,fct_nps_trailing_90d,fct_nps_by_dimension,'
        || 'fct_effort_monthly,fct_touchpoint_drivers,fct_promise_impact,fct_customer_journeys,'
        || 'fct_detractor_followups,fct_survival_by_nps_group,fct_satisfaction_vs_loyalty'
            as needed_by
),

delivered as (
    select
        entity,
        count(*) as files_loaded
    from ledger
    group by entity
),

loaded as (
    select
        'customers' as entity,
        count(*) as rows_loaded
    from {{ ref('stg_crm__customers') }}
    union all
    select
        'orders' as entity,
        count(*) as rows_loaded
    from {{ ref('stg_crm__orders') }}
    union all
    select
        'subscriptions' as entity,
        count(*) as rows_loaded
    from {{ ref('stg_crm__subscriptions') }}
    union all
    select
        'interactions' as entity,
        count(*) as rows_loaded
    from {{ ref('stg_crm__interactions') }}
    union all
    select
        'survey_responses' as entity,
        count(*) as rows_loaded
    from {{ ref('fct_survey_responses') }}
),

counted as (
    select
        'customers' as entity,
        count(*) as rows_counted,
        'dim_customers' as counted_in
    from customers
    union all
    select
        'orders' as entity,
        coalesce(sum(orders), 0) as rows_counted,
        'dim_customers.orders (completed orders of CRM customers)' as counted_in
    from customers
    union all
    select
        'subscriptions' as entity,
        coalesce(sum(subscriptions), 0) as rows_counted,
        'dim_customers.subscriptions (subscriptions of CRM customers)' as counted_in
    from customers
    union all
    select
        'interactions' as entity,
        count(*) as rows_counted,
        'int_contact_moments_assessed (contact moments the journey, promise and follow-up marts read)'
            as counted_in
    from {{ ref('int_contact_moments_assessed') }}
    union all
    select
        'survey_responses' as entity,
        count(*) as rows_counted,
        'fct_survey_responses (answers with an NPS, CES or CSAT score)' as counted_in
    from {{ ref('fct_survey_responses') }}
    where nps_score is not null or ces_score is not null or csat_score is not null
),

final as (
    select
        entities.entity,
        entities.entity_order,
        coalesce(delivered.files_loaded, 0) > 0 as is_delivered,
        cast(coalesce(delivered.files_loaded, 0) as {{ dbt.type_bigint() }}) as files_loaded,
        cast(coalesce(loaded.rows_loaded, 0) as {{ dbt.type_bigint() }}) as rows_loaded,
        cast(coalesce(counted.rows_counted, 0) as {{ dbt.type_bigint() }}) as rows_counted,
        counted.counted_in,
        coalesce(loaded.rows_loaded, 0) > 0 and coalesce(counted.rows_counted, 0) = 0
            as is_all_zero,
        entities.needed_by
    from entities
    left join delivered on entities.entity = delivered.entity
    left join loaded on entities.entity = loaded.entity
    left join counted on entities.entity = counted.entity
)

select * from final
