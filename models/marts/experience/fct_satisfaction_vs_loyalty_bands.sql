-- The satisfaction-vs-loyalty claims, readable per CSAT band: of the band's customers (each
-- by their latest answer with CSAT and NPS), the share who are detractors / promoters, and,
-- among those whose churn horizon is over (churned + stayed), the share who churned within
-- var `churn_horizon_days` and the share who stayed. "20% of satisfied customers intend to
-- leave" is detractor_share of 'satisfied'; "28% of dissatisfied stay" is retained_rate of
-- 'dissatisfied'.
with followed as (
    select * from {{ ref('int_customer_answers_followed') }}
),

counted as (
    select
        csat_band,
        cast(count(*) as bigint) as customers,
        cast(sum(case when nps_group = 'promoter' then 1 else 0 end) as bigint) as promoters,
        cast(sum(case when nps_group = 'passive' then 1 else 0 end) as bigint) as passives,
        cast(sum(case when nps_group = 'detractor' then 1 else 0 end) as bigint) as detractors,
        cast(sum(case when churn_outcome = 'churned' then 1 else 0 end) as bigint) as churned,
        cast(sum(case when churn_outcome = 'stayed' then 1 else 0 end) as bigint) as stayed,
        cast(sum(case when churn_outcome = 'too_recent' then 1 else 0 end) as bigint) as too_recent,
        cast(sum(case when churn_outcome = 'not_active' then 1 else 0 end) as bigint) as not_active
    from followed
    group by csat_band
),

final as (
    select
        csat_band,
        customers,
        promoters,
        passives,
        detractors,
        {{ safe_divide('promoters', 'customers') }} as promoter_share,
        {{ safe_divide('detractors', 'customers') }} as detractor_share,
        churned,
        stayed,
        too_recent,
        not_active,
        {{ safe_divide('churned', 'churned + stayed') }} as churn_rate,
        {{ safe_divide('stayed', 'churned + stayed') }} as retained_rate
    from counted
)

select * from final
