-- One row per persona of dim_customers (unclassified included, so the rows add up to every
-- customer): size, net revenue per customer, retention (share active at the as-of date),
-- the NPS of the latest NPS answers of the persona's customers, mean CES, discount share
-- and mean loyalty score.
with customers as (
    select * from {{ ref('dim_customers') }}
),

counted as (
    select
        persona,
        cast(count(*) as bigint) as customers,
        cast(sum(case when is_active then 1 else 0 end) as bigint) as active_customers,
        cast(sum(revenue) as double) as revenue,
        cast(sum(discount_total) as double) as discount_total,
        cast(sum(revenue + discount_total) as double) as gross_amount,
        cast(
            sum(case when latest_nps_category is not null then 1 else 0 end) as bigint
        ) as nps_respondents,
        cast(
            sum(case when latest_nps_category = 'promoter' then 1 else 0 end) as bigint
        ) as promoters,
        cast(sum(case when latest_nps_category = 'passive' then 1 else 0 end) as bigint) as passives,
        cast(
            sum(case when latest_nps_category = 'detractor' then 1 else 0 end) as bigint
        ) as detractors,
        avg(ces_mean) as ces_mean,
        avg(loyalty_score) as loyalty_score_mean
    from customers
    group by persona
),

totals as (
    select sum(customers) as all_customers from counted
),

final as (
    select
        counted.persona,
        counted.customers,
        {{ safe_share('counted.customers', 'totals.all_customers') }} as customer_share,
        counted.revenue / cast(counted.customers as double) as revenue_per_customer,
        counted.active_customers,
        {{ safe_share('counted.active_customers', 'counted.customers') }} as retention_rate,
        counted.nps_respondents,
        counted.promoters,
        counted.passives,
        counted.detractors,
        {{ nps('counted.promoters', 'counted.detractors', 'counted.nps_respondents') }} as nps,
        {{ nps_ci_bound(
            'counted.promoters', 'counted.detractors', 'counted.nps_respondents', 'low'
        ) }} as nps_ci_low,
        {{ nps_ci_bound(
            'counted.promoters', 'counted.detractors', 'counted.nps_respondents', 'high'
        ) }} as nps_ci_high,
        counted.ces_mean,
        {{ safe_share('counted.discount_total', 'counted.gross_amount') }} as discount_share,
        counted.loyalty_score_mean
    from counted
    cross join totals
)

select * from final
