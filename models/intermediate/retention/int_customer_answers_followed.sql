-- Each known customer's latest answer with both a CSAT and an NPS score (the same response),
-- banded (CSAT band, NPS group), and followed over var `churn_horizon_days` after it with
-- int_customer_lifecycle's churn (active/churn are defined there once):
--   churned     churned_at in [submitted_at, submitted_at + horizon]
--   not_active  no activity at all, or churned before the answer (not a customer then)
--   too_recent  not churned, and the horizon is not over at the as-of date (censored)
--   stayed      not churned within a horizon that is over
-- The as-of step: the answer comes from int_customer_profile (incremental, as-of free: its
-- latest_rated_* columns), the churn from int_customer_lifecycle; only the outcome needs the
-- as-of date, so this is a join of two tables of one row per customer.
with answers as (
    select
        customer_id,
        latest_rated_response_id as response_id,
        latest_rated_at as submitted_at,
        latest_rated_csat_score as csat_score,
        latest_rated_nps_score as nps_score,
        latest_rated_nps_category as nps_category,
        latest_rated_ces_score as ces_score
    from {{ ref('int_customer_profile') }}
    where latest_rated_response_id is not null
),

lifecycle as (
    select
        customer_id,
        churned_at
    from {{ ref('int_customer_lifecycle') }}
),

as_of as (
    select as_of_at from {{ ref('int_as_of_date') }}
),

latest as (
    select
        answers.response_id,
        answers.customer_id,
        answers.submitted_at,
        answers.csat_score,
        answers.nps_score,
        answers.nps_category,
        answers.ces_score,
        lifecycle.customer_id is not null as has_activity,
        lifecycle.churned_at,
        {{ dbt.dateadd('day', var('churn_horizon_days'), 'answers.submitted_at') }} as horizon_end_at,
        as_of.as_of_at
    from answers
    cross join as_of
    left join lifecycle
        on answers.customer_id = lifecycle.customer_id
),

final as (
    select
        customer_id,
        response_id,
        submitted_at,
        csat_score,
        {{ csat_band('csat_score') }} as csat_band,
        nps_score,
        nps_category as nps_group,
        ces_score,
        case
            when not has_activity or churned_at < submitted_at then 'not_active'
            when churned_at <= horizon_end_at then 'churned'
            when horizon_end_at > as_of_at then 'too_recent'
            else 'stayed'
        end as churn_outcome
    from latest
)

select * from final
