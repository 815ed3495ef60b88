-- Kaplan-Meier survival of subscriptions by the customer's NPS group at the subscription's
-- start. NPS group: the latest NPS answer on or before started_at; without one, the first
-- answer within var `survival_nps_lookahead_days` after it (and before the subscription
-- ended: a later answer may reflect the cancellation itself); else 'unknown'.
-- Time: a subscription's duration T is the number of completed calendar months (macro
-- completed_months) from started_at to ended_at when it ended on or before the as-of date
-- (churned at T), else to the as-of date (still running: censored at T). For
-- months_since_start m = 0, 1, ... (the textbook estimate on the discrete time T):
--   at_risk(m)  = #(T >= m), churned(m) / censored(m) = the churns / censorings at T = m
--   survival(m) = S(m) = P(T > m) = prod over j <= m of (1 - churned(j) / at_risk(j))
-- the share of subscriptions that completed more than m months (S(11): still running after
-- a year). A churn and a censoring at the same m: the churn is counted first, as in every
-- Kaplan-Meier implementation. Computed as exp(sum(ln(.))) and 0 from the first month where
-- every subscription at risk churned (a running minimum keeps the double non-increasing).
-- One row per group and month from 0 to the group's largest T.
-- The as-of step of int_subscriptions_nps_grouped (incremental, as-of free: each
-- subscription with the answers deciding its group): the as-of date cuts the subscriptions
-- started by then, their observation and the look-ahead answers; the estimate is a whole
-- rebuild over that narrow table.
with subscriptions as (
    select
        subscription_id,
        started_at,
        ended_at,
        start_nps_group,
        lookahead_submitted_at,
        lookahead_nps_group
    from {{ ref('int_subscriptions_nps_grouped') }}
),

as_of as (
    select as_of_at from {{ ref('int_as_of_date') }}
),

observed as (
    select
        subscriptions.subscription_id,
        -- the look-ahead answer counts once it happened, before the as-of date
        coalesce(
            subscriptions.start_nps_group,
            case
                when subscriptions.lookahead_submitted_at <= as_of.as_of_at
                    then subscriptions.lookahead_nps_group
            end,
            'unknown'
        ) as nps_group,
        subscriptions.started_at,
        coalesce(subscriptions.ended_at <= as_of.as_of_at, false) as has_ended,
        case
            when subscriptions.ended_at <= as_of.as_of_at then subscriptions.ended_at
            else as_of.as_of_at
        end as observed_until
    from subscriptions
    cross join as_of
    where subscriptions.started_at <= as_of.as_of_at
),

durations as (
    select
        subscription_id,
        nps_group,
        has_ended,
        greatest(
            cast({{ completed_months('started_at', 'observed_until') }} as integer), 0
        ) as last_month
    from observed
),

groups as (
    select
        nps_group,
        0 as first_month,
        max(last_month) as last_month
    from durations
    group by nps_group
),

months as (
    {{ integer_series('groups', 'first_month', 'last_month', ['nps_group']) }}
),

events as (
    select
        nps_group,
        last_month,
        cast(sum(case when has_ended then 1 else 0 end) as bigint) as churned,
        cast(sum(case when has_ended then 0 else 1 end) as bigint) as censored
    from durations
    group by nps_group, last_month
),

counted as (
    select
        months.nps_group,
        months.series_value as months_since_start,
        cast(coalesce(events.churned, 0) as bigint) as churned,
        cast(coalesce(events.censored, 0) as bigint) as censored
    from months
    left join events
        on months.nps_group = events.nps_group and months.series_value = events.last_month
),

at_risk as (
    select
        nps_group,
        months_since_start,
        churned,
        censored,
        cast(sum(churned + censored) over (
            partition by nps_group order by months_since_start desc
            rows between unbounded preceding and current row
        ) as bigint) as at_risk
    from counted
),

estimated as (
    select
        nps_group,
        months_since_start,
        at_risk,
        churned,
        censored,
        sum(case when churned >= at_risk then 1 else 0 end) over (
            partition by nps_group order by months_since_start
            rows between unbounded preceding and current row
        ) as months_all_churned,
        sum(ln(
            case
                when churned < at_risk
                    then 1.0 - cast(churned as double) / cast(at_risk as double)
                else 1.0
            end
        )) over (
            partition by nps_group order by months_since_start
            rows between unbounded preceding and current row
        ) as log_survival
    from at_risk
),

product_limit as (
    select
        nps_group,
        months_since_start,
        at_risk,
        churned,
        censored,
        cast(case when months_all_churned > 0 then 0.0 else exp(log_survival) end as double) as survival
    from estimated
),

final as (
    select
        nps_group,
        months_since_start,
        at_risk,
        churned,
        censored,
        -- a window sum may add its terms in any order: the running minimum removes the last-bit
        -- rounding noise that could otherwise make the estimate rise by 1e-16 in a month
        -- without churn (it is non-increasing in exact arithmetic)
        min(survival) over (
            partition by nps_group order by months_since_start
            rows between unbounded preceding and current row
        ) as survival
    from product_limit
)

select * from final
