-- Satisfaction is not loyalty: known customers, each by their latest answer with both CSAT
-- and NPS (int_customer_answers_followed), counted by CSAT band x NPS group x churn outcome
-- within var `churn_horizon_days` of the answer. share_of_band is the share of the CSAT
-- band's customers (all outcomes) in the cell, so "x% of satisfied customers are detractors"
-- is a sum of share_of_band. Cells without customers have no row.
with followed as (
    select * from {{ ref('int_customer_answers_followed') }}
),

counted as (
    select
        csat_band,
        nps_group,
        churn_outcome,
        cast(count(*) as bigint) as customers,
        cast(count(ces_score) as bigint) as ces_responses,
        cast(sum(ces_score) as bigint) as ces_score_total
    from followed
    group by csat_band, nps_group, churn_outcome
),

banded as (
    select
        csat_band,
        nps_group,
        churn_outcome,
        customers,
        ces_responses,
        ces_score_total,
        sum(customers) over (partition by csat_band) as band_customers
    from counted
),

final as (
    select
        csat_band,
        nps_group,
        churn_outcome,
        customers,
        cast(band_customers as bigint) as band_customers,
        {{ safe_divide('customers', 'band_customers') }} as share_of_band,
        ces_responses,
        {{ safe_divide('ces_score_total', 'ces_responses') }} as ces_mean
    from banded
)

select * from final
