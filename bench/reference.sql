-- "The limit": every mart of models/marts computed by hand in one DuckDB script, straight
-- from the landing Parquet, without dbt. Free to use DuckDB-only SQL (qualify, arg_max,
-- grouping sets, asof joins, ::): it is what DuckDB itself can do, the yardstick the dbt build
-- is measured against. Shared steps (the latest delivery of each entity, the as-of date, the
-- customer lifecycle, the contact moments' emotions, the journeys) are temp tables, computed
-- once. ${LANDING} and ${SEEDS} are replaced by bench/reference.py. Thresholds are the
-- defaults of dbt_project.yml (vars ces_easy_min 5, csat_satisfied_min 4, csat_dissatisfied_max
-- 2, active_window_days 180, churn_horizon_days 180,
-- survival_nps_lookahead_days 90, nps_trailing_window_days 90, nps_change_z_min 1.96,
-- nps_small_sample_min 30, persona_engagement_days 365, loyalty_*, journey_window_days 90,
-- promise_next_answer_days 30, followup_within_hours 48, driver_min_journeys 30, nps_ci_z
-- 1.96), and the persona rules those of seeds/persona_rules.csv, written out as one case
-- expression. Marts in the order of their areas (survey, experience, customers, retention,
-- journeys, ingest, semantic), except fct_nps_by_dimension, which needs dim_customers.
-- Covers all 18 marts (bench/compare.py REFERENCE lists them with their grain).

create schema if not exists marts;

-- count of rows where x is true (count_if gives null when every x is null)
create or replace temp macro n_if(x) as cast(sum(case when x then 1 else 0 end) as bigint);

-- NPS of counts (null without answers) and the adjusted-Wald estimate, its standard error
-- and interval bound (macros/nps.sql, macros/nps_interval.sql), in NPS points
create or replace temp macro nps_of(p, d, n) as
    case when n > 0 then 100.0 * (p::double - d::double) / n::double end;
create or replace temp macro nps_adj(p, d, n) as
    case when n > 0 then 100.0 * ((p + 0.75) / (n + 3.0) - (d + 0.75) / (n + 3.0)) end;
create or replace temp macro nps_se(p, d, n) as case when n > 0 then
    100.0 * sqrt(((p + 0.75) / (n + 3.0) + (d + 0.75) / (n + 3.0)
        - ((p + 0.75) / (n + 3.0) - (d + 0.75) / (n + 3.0)) ^ 2) / (n + 3.0)) end;
create or replace temp macro nps_ci(p, d, n, z_sign) as case when n > 0 then
    greatest(-100.0, least(100.0, 100.0 * (((p + 0.75) / (n + 3.0) - (d + 0.75) / (n + 3.0))
        + z_sign * 1.96 * sqrt(((p + 0.75) / (n + 3.0) + (d + 0.75) / (n + 3.0)
        - ((p + 0.75) / (n + 3.0) - (d + 0.75) / (n + 3.0)) ^ 2) / (n + 3.0))))) end;
-- the difference of two groups' NPS (a minus b) on the adjusted estimates: z and interval bound
create or replace temp macro nps_diff_z(pa, da, na, pb, db, nb) as
    (nps_adj(pa, da, na) - nps_adj(pb, db, nb))
    / sqrt(nps_se(pa, da, na) ^ 2 + nps_se(pb, db, nb) ^ 2);
create or replace temp macro nps_diff_ci(pa, da, na, pb, db, nb, z_sign) as
    case when na > 0 and nb > 0 then greatest(-200.0, least(200.0,
        nps_adj(pa, da, na) - nps_adj(pb, db, nb)
        + z_sign * 1.96 * sqrt(nps_se(pa, da, na) ^ 2 + nps_se(pb, db, nb) ^ 2))) end;
-- the difference of group a's NPS and group b's, as the columns of the marts that compare two
-- groups (fct_promise_impact, fct_touchpoint_drivers): unnest() it into the select
create or replace temp macro nps_difference(pa, da, na, pb, db, nb) as struct_pack(
    nps_difference := nps_of(pa, da, na) - nps_of(pb, db, nb),
    nps_difference_adjusted := nps_adj(pa, da, na) - nps_adj(pb, db, nb),
    nps_difference_ci_low := nps_diff_ci(pa, da, na, pb, db, nb, -1),
    nps_difference_ci_high := nps_diff_ci(pa, da, na, pb, db, nb, 1),
    nps_difference_z := nps_diff_z(pa, da, na, pb, db, nb),
    is_significant := abs(nps_diff_z(pa, da, na, pb, db, nb)) >= 1.96
);
-- hours between two timestamps, seconds kept (macros/hours_between.sql)
create or replace temp macro hours_between(a, b) as datediff('second', a, b)::double / 3600.0;
-- the most extreme valence, a tie going to the negative one (macros/peak_valence.sql)
create or replace temp macro peak_valence(v) as
    case when -min(v) >= max(v) then min(v) else max(v) end;

-- latest delivery of each key: the version of the file loaded last, then its last record
create or replace temp table responses as
select
    *,
    count(*) over (partition by response_id) as versions_delivered
from read_parquet('${LANDING}/survey_responses/*.parquet', union_by_name = true)
qualify row_number() over (partition by response_id order by _load_seq desc, _record desc) = 1;

create or replace temp table customers as
select * exclude (rn) from (
    select *, row_number() over (partition by customer_id order by _load_seq desc, _record desc) as rn
    from read_parquet('${LANDING}/customers/*.parquet', union_by_name = true)
) where rn = 1;

create or replace temp table orders as
select * exclude (rn) from (
    select *, row_number() over (partition by order_id order by _load_seq desc, _record desc) as rn
    from read_parquet('${LANDING}/orders/*.parquet', union_by_name = true)
) where rn = 1;

create or replace temp table subscriptions as
select * exclude (rn) from (
    select *,
        row_number() over (partition by subscription_id order by _load_seq desc, _record desc) as rn
    from read_parquet('${LANDING}/subscriptions/*.parquet', union_by_name = true)
) where rn = 1;

create or replace temp table interactions as
select *
from read_parquet('${LANDING}/interactions/*.parquet', union_by_name = true)
qualify row_number() over (partition by interaction_id order by _load_seq desc, _record desc) = 1;

-- "now": the latest event of any kind not after the latest load (var as_of_date is empty)
create or replace temp table as_of as
select max(t) as as_of_at from (
    select submitted_at as t from responses
    union all select ordered_at from orders
    union all select started_at from interactions
    union all select responded_at from interactions
    union all select resolved_at from interactions
    union all select started_at from subscriptions
    union all select ended_at from subscriptions
    union all select created_at from customers
)
where t <= (select max(loaded_at) from read_parquet('${LANDING}/_ledger/*.parquet'));


-- survey

-- fct_survey_responses: the latest version of each answer, scored (NPS group, low effort,
-- satisfied), its emotion mapped, anonymous and unknown customers flagged
create or replace table marts.fct_survey_responses as
select
    r.response_id,
    r.customer_id,
    r.customer_id is null as is_anonymous,
    c.customer_id is not null as is_known_customer,
    r.survey_type,
    r.interaction_id,
    r.touchpoint,
    r.channel,
    r.submitted_at,
    date_trunc('month', r.submitted_at)::date as submitted_month,
    r.nps_score,
    case when r.nps_score >= 9 then 'promoter' when r.nps_score >= 7 then 'passive'
        when r.nps_score >= 0 then 'detractor' end as nps_category,
    r.ces_score,
    r.ces_score >= 5 as is_low_effort,
    r.csat_score,
    r.csat_score >= 4 as is_satisfied,
    lower(trim(r.emotion)) as emotion_label,
    e.emotion,
    e.valence as emotion_valence,
    r.comment,
    lower(r.language) as language_code,
    r.versions_delivered,
    r._file_name as source_file_name
from responses as r
left join (select customer_id from customers) as c on r.customer_id = c.customer_id
left join read_csv('${SEEDS}/emotion_vocabulary.csv', header = true) as e
    on lower(trim(r.emotion)) = e.label;

-- fct_nps_monthly: NPS per month of every NPS answer, with its adjusted-Wald interval
create or replace table marts.fct_nps_monthly as
with counted as (
    select
        submitted_month as month_start,
        count(*) as responses,
        n_if(nps_category = 'promoter') as promoters,
        n_if(nps_category = 'passive') as passives,
        n_if(nps_category = 'detractor') as detractors
    from marts.fct_survey_responses
    where nps_score is not null
    group by all
),
measured as (
    select
        month_start, responses, promoters, passives, detractors,
        100.0 * (promoters - detractors) / responses as nps,
        nps_ci(promoters, detractors, responses, -1) as nps_ci_low,
        nps_ci(promoters, detractors, responses, 1) as nps_ci_high
    from counted
)
-- the change against the previous calendar month, z on the adjusted-Wald estimates
select
    m.*,
    p.nps as previous_month_nps,
    m.nps - p.nps as nps_change,
    nps_diff_z(m.promoters, m.detractors, m.responses, p.promoters, p.detractors, p.responses)
        as change_z,
    abs(nps_diff_z(m.promoters, m.detractors, m.responses, p.promoters, p.detractors, p.responses))
        >= 1.96 as is_significant_change
from measured as m
left join measured as p on p.month_start = m.month_start - interval 1 month;

-- fct_nps_trailing_90d: NPS over the 90 days up to each day, from the first to the last NPS
-- answer day; each respondent's latest answer in the window counts once (an anonymous answer
-- is a respondent of its own). An answer counts from its day to the earlier of day + 89 and
-- the day before its respondent's next answer: +1 / -1 events, run-summed over the days.
create or replace table marts.fct_nps_trailing_90d as
with answers as (
    select
        nps_category,
        submitted_at::date as first_day,
        least(submitted_at::date + 89, coalesce(lead(submitted_at::date) over (
            partition by customer_id, case when customer_id is null then response_id end
            order by submitted_at, response_id
        ) - 1, submitted_at::date + 89)) as last_day
    from marts.fct_survey_responses
    where nps_score is not null
),
deltas as (
    select
        event_day,
        sum(case when nps_category = 'promoter' then delta else 0 end) as promoters,
        sum(case when nps_category = 'passive' then delta else 0 end) as passives,
        sum(case when nps_category = 'detractor' then delta else 0 end) as detractors
    from (
        select first_day as event_day, 1 as delta, nps_category from answers
        where last_day >= first_day
        union all
        select last_day + 1, -1, nps_category from answers
        where last_day >= first_day
    )
    group by event_day
),
days as (
    select unnest(generate_series(min(first_day)::timestamp, max(first_day)::timestamp,
        interval 1 day))::date as date_day
    from answers
),
counted as (
    select
        d.date_day,
        sum(coalesce(e.promoters, 0)) over w as promoters,
        sum(coalesce(e.passives, 0)) over w as passives,
        sum(coalesce(e.detractors, 0)) over w as detractors
    from days as d
    left join deltas as e on d.date_day = e.event_day
    window w as (order by d.date_day rows between unbounded preceding and current row)
)
select
    date_day,
    date_day - 89 as window_start,
    (promoters + passives + detractors)::bigint as responses,
    promoters::bigint as promoters,
    passives::bigint as passives,
    detractors::bigint as detractors,
    nps_of(promoters, detractors, promoters + passives + detractors) as nps,
    nps_ci(promoters, detractors, promoters + passives + detractors, -1) as nps_ci_low,
    nps_ci(promoters, detractors, promoters + passives + detractors, 1) as nps_ci_high
from counted;

-- experience

-- fct_effort_monthly: CES and CSAT per month x touchpoint x channel, and the month's total
create or replace table marts.fct_effort_monthly as
with cells as (
    select
        submitted_month as month_start,
        coalesce(touchpoint, '(none)') as touchpoint,
        coalesce(channel, '(none)') as channel,
        ces_score, is_low_effort, csat_score, is_satisfied
    from marts.fct_survey_responses
    where ces_score is not null or csat_score is not null
),
counted as (
    select
        month_start,
        coalesce(touchpoint, 'all') as touchpoint,
        coalesce(channel, 'all') as channel,
        count(ces_score) as ces_responses,
        n_if(is_low_effort) as ces_easy_responses,
        sum(ces_score) as ces_score_total,
        count(csat_score) as csat_responses,
        n_if(is_satisfied) as csat_satisfied_responses,
        sum(csat_score) as csat_score_total
    from cells
    group by grouping sets ((month_start, touchpoint, channel), (month_start))
)
select
    month_start, touchpoint, channel, ces_responses, ces_easy_responses,
    case when ces_responses > 0 then ces_score_total / ces_responses end as ces_mean,
    case when ces_responses > 0 then ces_easy_responses / ces_responses end as ces_easy_share,
    csat_responses, csat_satisfied_responses,
    case when csat_responses > 0 then csat_satisfied_responses / csat_responses end
        as csat_satisfied_share,
    case when csat_responses > 0 then csat_score_total / csat_responses end as csat_mean
from counted;

-- each customer's activity (int_customer_lifecycle): a completed order keeps them active 180
-- days, a subscription until it ends (an open one past the as-of date)
create or replace temp table lifecycle as
with activity as (
    select customer_id, ordered_at as active_from, ordered_at + interval 180 day as active_to
    from orders where coalesce(nullif(trim(lower(status)), ''), 'completed') = 'completed'
    union all
    select customer_id, started_at, coalesce(ended_at, (select as_of_at from as_of) + interval 1 day)
    from subscriptions
)
select
    customer_id,
    min(active_from) as first_active_at,
    date_trunc('month', min(active_from))::date as cohort_month,
    max(active_to) as active_until,
    max(active_to) > (select as_of_at from as_of) as is_active,
    case when max(active_to) <= (select as_of_at from as_of) then max(active_to) end as churned_at
from activity
group by customer_id;

-- each known customer's latest answer with both CSAT and NPS, banded and followed for 180
-- days (int_customer_answers_followed): churned within them, not a customer then, censored
-- by the as-of date (too_recent), or stayed
create or replace temp table answers_followed as
select
    a.customer_id,
    case when a.csat_score >= 4 then 'satisfied' when a.csat_score > 2 then 'neutral'
        when a.csat_score >= 1 then 'dissatisfied' end as csat_band,
    a.nps_category as nps_group,
    a.ces_score,
    case
        when l.customer_id is null or l.churned_at < a.submitted_at then 'not_active'
        when l.churned_at <= a.submitted_at + interval 180 day then 'churned'
        when a.submitted_at + interval 180 day > (select as_of_at from as_of) then 'too_recent'
        else 'stayed'
    end as churn_outcome
from (
    select customer_id, submitted_at, csat_score, nps_category, ces_score
    from marts.fct_survey_responses
    where is_known_customer and csat_score is not null and nps_score is not null
    qualify row_number() over (
        partition by customer_id order by submitted_at desc, response_id desc) = 1
) as a
left join lifecycle as l on a.customer_id = l.customer_id;

-- fct_satisfaction_vs_loyalty: customers per CSAT band x NPS group x churn outcome
create or replace table marts.fct_satisfaction_vs_loyalty as
select
    csat_band,
    nps_group,
    churn_outcome,
    count(*) as customers,
    (sum(count(*)) over (partition by csat_band))::bigint as band_customers,
    count(*) / sum(count(*)) over (partition by csat_band) as share_of_band,
    count(ces_score) as ces_responses,
    case when count(ces_score) > 0 then sum(ces_score) / count(ces_score) end as ces_mean
from answers_followed
group by csat_band, nps_group, churn_outcome;

-- fct_satisfaction_vs_loyalty_bands: per CSAT band, the shares of promoters and detractors,
-- and churned / stayed among those whose horizon is over
create or replace table marts.fct_satisfaction_vs_loyalty_bands as
select
    *,
    promoters / customers as promoter_share,
    detractors / customers as detractor_share,
    case when churned + stayed > 0 then churned / (churned + stayed) end as churn_rate,
    case when churned + stayed > 0 then stayed / (churned + stayed) end as retained_rate
from (
    select
        csat_band,
        count(*) as customers,
        n_if(nps_group = 'promoter') as promoters,
        n_if(nps_group = 'passive') as passives,
        n_if(nps_group = 'detractor') as detractors,
        n_if(churn_outcome = 'churned') as churned,
        n_if(churn_outcome = 'stayed') as stayed,
        n_if(churn_outcome = 'too_recent') as too_recent,
        n_if(churn_outcome = 'not_active') as not_active
    from answers_followed
    group by csat_band
);

-- customers

-- dim_customers: one row per customer, profile, orders, subscriptions, first and latest NPS,
-- activity, persona (seeds/persona_rules.csv) and loyalty score
create or replace table marts.dim_customers as
with answers as (
    select
        customer_id,
        count(*) as survey_answers,
        n_if(submitted_at > (select as_of_at from as_of) - interval 365 day
            and submitted_at <= (select as_of_at from as_of)) as recent_answers,
        max(submitted_at) as last_answer_at,
        avg(ces_score) as ces_mean,
        count(nps_score) as nps_answers,
        arg_min(struct_pack(submitted_at, nps_score, nps_category), (submitted_at, response_id))
            filter (where nps_score is not null) as first_nps,
        arg_max(struct_pack(submitted_at, nps_score, nps_category), (submitted_at, response_id))
            filter (where nps_score is not null) as latest_nps
    from marts.fct_survey_responses
    where customer_id is not null
    group by customer_id
),
order_totals as (
    select
        customer_id,
        count(*) as orders,
        sum(amount) as gross_amount,
        sum(amount - coalesce(discount_amount, 0)) as revenue,
        sum(coalesce(discount_amount, 0)) as discount_total,
        min(ordered_at) as first_order_at,
        max(ordered_at) as last_order_at
    from orders
    where coalesce(nullif(trim(lower(status)), ''), 'completed') = 'completed'
    group by customer_id
),
subscription_status as (
    select
        customer_id,
        count(*) as subscriptions,
        bool_or(ended_at is null or ended_at > (select as_of_at from as_of)) as has_active_subscription
    from subscriptions
    group by customer_id
),
profile as (
    select
        c.customer_id,
        upper(c.country) as country_code,
        c.segment,
        lower(c.acquisition_channel) as acquisition_channel,
        c.created_at,
        datediff('day', c.created_at, a.as_of_at)::bigint as tenure_days,
        coalesce(o.orders, 0)::bigint as orders,
        coalesce(o.revenue, 0)::decimal(18, 2) as revenue,
        coalesce(o.discount_total, 0)::decimal(18, 2) as discount_total,
        case when o.gross_amount > 0 then o.discount_total::double / o.gross_amount::double end
            as discount_share,
        o.first_order_at,
        o.last_order_at,
        coalesce(s.subscriptions, 0)::bigint as subscriptions,
        coalesce(s.has_active_subscription, false) as has_active_subscription,
        coalesce(n.nps_answers, 0)::bigint as nps_answers,
        n.first_nps.submitted_at as first_nps_at,
        n.first_nps.nps_score as first_nps_score,
        n.first_nps.nps_category as first_nps_category,
        n.latest_nps.submitted_at as latest_nps_at,
        n.latest_nps.nps_score as latest_nps_score,
        n.latest_nps.nps_category as latest_nps_category,
        coalesce(n.survey_answers, 0)::bigint as survey_answers,
        coalesce(n.recent_answers, 0)::bigint as recent_answers,
        n.last_answer_at,
        n.ces_mean,
        coalesce(l.is_active, false) as is_active,
        l.churned_at,
        case when l.customer_id is null then 'never_active' when l.is_active then 'active'
            else 'churned' end as activity_status,
        datediff('day', greatest(o.last_order_at, n.last_answer_at), a.as_of_at)::bigint
            as recency_days
    from customers as c
    cross join as_of as a
    left join order_totals as o on c.customer_id = o.customer_id
    left join subscription_status as s on c.customer_id = s.customer_id
    left join answers as n on c.customer_id = n.customer_id
    left join lifecycle as l on c.customer_id = l.customer_id
),
measured as (
    select
        *,
        orders::double * 365.25 / greatest(tenure_days, 30)::double as orders_per_year,
        case
            when activity_status = 'churned' then 'walk_away_churned'
            when coalesce(latest_nps_category, 'none') in ('passive', 'detractor', 'none')
                and discount_share >= 0.10 then 'shopper'
            when latest_nps_category = 'detractor' then 'walk_away_detractor'
            when latest_nps_category = 'promoter' and activity_status = 'active' then 'ambassador'
            when latest_nps_category = 'passive' and orders >= 2 and recent_answers <= 12
                then 'loyal_passive'
        end as persona_rule_id
    from profile
),
components as (
    select
        *,
        latest_nps_score::double / 10.0 as c_nps,
        case when recency_days is null then 0.0
            else 1.0 - least(greatest(recency_days::double / 365.0, 0.0), 1.0) end as c_recency,
        least(greatest(orders_per_year / 12.0, 0.0), 1.0) as c_frequency,
        least(greatest(tenure_days::double / 1095.0, 0.0), 1.0) as c_tenure,
        (ces_mean - 1.0) / 6.0 as c_effort
    from measured
)
select
    customer_id, country_code, segment, acquisition_channel, created_at, tenure_days, orders,
    revenue, discount_total, first_order_at, last_order_at, subscriptions,
    has_active_subscription, nps_answers, first_nps_at, first_nps_score, first_nps_category,
    latest_nps_at, latest_nps_score, latest_nps_category, discount_share, survey_answers,
    recent_answers, last_answer_at, ces_mean, is_active, churned_at, activity_status,
    recency_days, orders_per_year,
    case persona_rule_id when 'walk_away_churned' then 'walk_away'
        when 'walk_away_detractor' then 'walk_away' when 'shopper' then 'shopper'
        when 'ambassador' then 'ambassador' when 'loyal_passive' then 'loyal_passive'
        else 'unclassified' end as persona,
    persona_rule_id,
    100.0 * (0.30 * coalesce(c_nps, 0.0) + 0.20 * coalesce(c_recency, 0.0)
        + 0.20 * coalesce(c_frequency, 0.0) + 0.10 * coalesce(c_tenure, 0.0)
        + 0.20 * coalesce(c_effort, 0.0))
    / (case when c_nps is null then 0.0 else 0.30 end + 0.20 + 0.20
        + case when c_tenure is null then 0.0 else 0.10 end
        + case when c_effort is null then 0.0 else 0.20 end) as loyalty_score
from components;

-- fct_persona_value: customers, value, retention and NPS per persona
create or replace table marts.fct_persona_value as
with counted as (
    select
        persona,
        count(*) as customers,
        n_if(is_active) as active_customers,
        sum(revenue)::double as revenue,
        sum(discount_total)::double as discount_total,
        sum(revenue + discount_total)::double as gross_amount,
        count(latest_nps_category) as nps_respondents,
        n_if(latest_nps_category = 'promoter') as promoters,
        n_if(latest_nps_category = 'passive') as passives,
        n_if(latest_nps_category = 'detractor') as detractors,
        avg(ces_mean) as ces_mean,
        avg(loyalty_score) as loyalty_score_mean
    from marts.dim_customers
    group by persona
)
select
    persona,
    customers,
    customers / sum(customers) over () as customer_share,
    revenue / customers as revenue_per_customer,
    active_customers,
    active_customers / customers as retention_rate,
    nps_respondents, promoters, passives, detractors,
    case when nps_respondents > 0 then 100.0 * (promoters - detractors) / nps_respondents end as nps,
    nps_ci(promoters, detractors, nps_respondents, -1) as nps_ci_low,
    nps_ci(promoters, detractors, nps_respondents, 1) as nps_ci_high,
    ces_mean,
    case when gross_amount > 0 then discount_total / gross_amount end as discount_share,
    loyalty_score_mean
from counted;

-- fct_nps_by_dimension (survey area; here because it needs dim_customers): NPS per month x
-- survey type (and 'all') x dimension value, a missing value counted as '(none)'; one
-- aggregate with a grouping set per dimension and survey-type view, then the change on the
-- month before of the same value with its z on the adjusted estimates
create or replace table marts.fct_nps_by_dimension as
with described as (
    select
        r.submitted_month as month_start,
        r.survey_type as answer_type,
        coalesce(r.touchpoint, '(none)') as touchpoint,
        coalesce(r.channel, '(none)') as channel,
        coalesce(r.survey_type, '(none)') as survey_type,
        coalesce(c.segment, '(none)') as segment,
        coalesce(c.country_code, '(none)') as country,
        coalesce(c.persona, '(none)') as persona,
        r.nps_category
    from marts.fct_survey_responses as r
    left join marts.dim_customers as c on r.customer_id = c.customer_id
    where r.nps_score is not null
),
counted as (
    select
        month_start,
        case when grouping(answer_type) = 1 then 'all' else answer_type end as survey_view,
        case
            when grouping(touchpoint) = 0 then 'touchpoint'
            when grouping(channel) = 0 then 'channel'
            when grouping(survey_type) = 0 then 'survey_type'
            when grouping(segment) = 0 then 'segment'
            when grouping(country) = 0 then 'country'
            else 'persona'
        end as dimension_name,
        coalesce(touchpoint, channel, survey_type, segment, country, persona) as dimension_value,
        count(*) as responses,
        n_if(nps_category = 'promoter') as promoters,
        n_if(nps_category = 'passive') as passives,
        n_if(nps_category = 'detractor') as detractors
    from described
    group by grouping sets (
        (month_start, answer_type, touchpoint), (month_start, touchpoint),
        (month_start, answer_type, channel), (month_start, channel),
        (month_start, answer_type, survey_type), (month_start, survey_type),
        (month_start, answer_type, segment), (month_start, segment),
        (month_start, answer_type, country), (month_start, country),
        (month_start, answer_type, persona), (month_start, persona)
    )
),
measured as (
    select
        *,
        nps_of(promoters, detractors, responses) as nps,
        nps_adj(promoters, detractors, responses) as adjusted,
        nps_se(promoters, detractors, responses) as se
    from counted
),
compared as (
    select
        *,
        -- the same value's month before, when it has a row
        survey_view is not null and lag(month_start) over w = month_start - interval 1 month
            as has_previous,
        lag(nps) over w as previous_nps,
        (adjusted - lag(adjusted) over w) / sqrt(se ^ 2 + lag(se) over w ^ 2) as z
    from measured
    window w as (partition by survey_view, dimension_name, dimension_value order by month_start)
)
select
    month_start, survey_view as survey_type, dimension_name, dimension_value,
    responses, promoters, passives, detractors, nps,
    nps_ci(promoters, detractors, responses, -1) as nps_ci_low,
    nps_ci(promoters, detractors, responses, 1) as nps_ci_high,
    case when has_previous then previous_nps end as previous_month_nps,
    nps - case when has_previous then previous_nps end as nps_change,
    case when has_previous then z end as change_z,
    case when has_previous and z is not null then abs(z) >= 1.96 end as is_significant_change,
    responses < 30 as is_small_sample
from compared;

-- retention

-- fct_retention_cohorts: per cohort (month of the first completed order or subscription
-- start) and month since, the cohort's customers and those with a completed order in that
-- calendar month or a subscription running in it (start month to end month, not into a month
-- it ended at 00:00 on the 1st; still running at the as-of date: to the as-of month)
create or replace table marts.fct_retention_cohorts as
with customers as (
    select
        l.customer_id,
        l.cohort_month,
        datediff('month', l.cohort_month, date_trunc('month', a.as_of_at)::date) as months_to_as_of
    from lifecycle as l
    cross join as_of as a
    where l.first_active_at <= a.as_of_at
),
active_months as (
    select distinct c.customer_id, c.cohort_month,
        datediff('month', c.cohort_month, date_trunc('month', o.ordered_at)::date) as months_since_start
    from orders as o
    join customers as c on o.customer_id = c.customer_id
    where coalesce(nullif(trim(lower(o.status)), ''), 'completed') = 'completed' and o.ordered_at <= (select as_of_at from as_of)
    union
    select c.customer_id, c.cohort_month, unnest(range(
        datediff('month', c.cohort_month, date_trunc('month', s.started_at)::date),
        case when s.ended_at is null or s.ended_at > (select as_of_at from as_of)
            then c.months_to_as_of
            else datediff('month', c.cohort_month,
                date_trunc('month', s.ended_at - interval 1 microsecond)::date)
        end + 1)) as months_since_start
    from subscriptions as s
    join customers as c on s.customer_id = c.customer_id
    where s.started_at <= (select as_of_at from as_of)
),
active as (
    select cohort_month, months_since_start, count(*) as customers_active
    from active_months
    group by all
),
cohorts as (
    select
        cohort_month,
        unnest(range(0, any_value(months_to_as_of) + 1)) as months_since_start,
        count(*) as cohort_customers
    from customers
    group by cohort_month
)
select
    c.cohort_month,
    c.months_since_start::integer as months_since_start,
    (c.cohort_month + to_months(c.months_since_start::integer))::date as month_start,
    c.cohort_customers,
    coalesce(a.customers_active, 0)::bigint as customers_active,
    coalesce(a.customers_active, 0) / c.cohort_customers as retention_rate
from cohorts as c
left join active as a
    on c.cohort_month = a.cohort_month and c.months_since_start = a.months_since_start;

-- NPS answers of known-id customers, one row per customer and moment (shared by survival and
-- promise impact): the category of the highest response_id (the latest of a tie) and of the
-- lowest (the first), so that asof joins pick what a row_number on (submitted_at,
-- response_id) would
create or replace temp table nps_moments as
select
    customer_id,
    submitted_at,
    arg_max(nps_category, response_id) as latest_category,
    arg_min(nps_category, response_id) as first_category
from marts.fct_survey_responses
where nps_score is not null and customer_id is not null
group by customer_id, submitted_at;

-- fct_survival_by_nps_group: Kaplan-Meier survival of subscriptions on T = completed calendar
-- months from the start to the end (or the as-of date, censored), from month 0,
-- by the NPS group at the start (the latest answer on or before it, else the first within 90
-- days after and before the end, else 'unknown')
create or replace table marts.fct_survival_by_nps_group as
with observed as (
    select
        s.subscription_id,
        s.customer_id,
        s.started_at,
        coalesce(s.ended_at <= a.as_of_at, false) as has_ended,
        case when s.ended_at <= a.as_of_at then s.ended_at else a.as_of_at end as observed_until
    from subscriptions as s
    cross join as_of as a
    where s.started_at <= a.as_of_at
),
before_start as (
    select o.subscription_id, n.latest_category
    from observed as o
    asof join nps_moments as n on o.customer_id = n.customer_id and o.started_at >= n.submitted_at
),
after_start as (
    select o.subscription_id, n.first_category
    from observed as o
    asof join nps_moments as n on o.customer_id = n.customer_id and o.started_at < n.submitted_at
    where n.submitted_at <= o.observed_until and n.submitted_at <= o.started_at + interval 90 day
),
durations as (
    select
        coalesce(b.latest_category, f.first_category, 'unknown') as nps_group,
        o.has_ended,
        -- completed calendar months: month boundaries, less one when adding them overshoots
        greatest(datediff('month', o.started_at, o.observed_until)
            - case when o.started_at + to_months(datediff('month', o.started_at, o.observed_until))
                > o.observed_until then 1 else 0 end, 0)::integer as last_month
    from observed as o
    left join before_start as b on o.subscription_id = b.subscription_id
    left join after_start as f on o.subscription_id = f.subscription_id
),
events as (
    select nps_group, last_month, n_if(has_ended) as churned, n_if(not has_ended) as censored
    from durations
    group by all
),
months as (
    select nps_group, unnest(range(0, max(last_month) + 1)) as months_since_start
    from durations
    group by nps_group
),
at_risk as (
    select
        m.nps_group,
        m.months_since_start,
        coalesce(e.churned, 0) as churned,
        coalesce(e.censored, 0) as censored,
        sum(coalesce(e.churned, 0) + coalesce(e.censored, 0)) over (
            partition by m.nps_group order by m.months_since_start desc) as at_risk
    from months as m
    left join events as e on m.nps_group = e.nps_group and m.months_since_start = e.last_month
)
select
    nps_group,
    months_since_start::integer as months_since_start,
    at_risk::bigint as at_risk,
    churned,
    censored,
    product(1.0 - churned / at_risk) over (
        partition by nps_group order by months_since_start) as survival
from at_risk;

-- journeys

-- the emotion of each contact moment: the valence of the first transactional answer naming
-- its interaction with a known emotion label (any customer's)
create or replace temp table moment_emotions as
select interaction_id, arg_min(emotion_valence, (submitted_at, response_id)) as valence
from marts.fct_survey_responses
where survey_type = 'transactional' and interaction_id is not null
    and emotion_valence is not null
group by interaction_id;

-- fct_promises: each contact moment with a promise, kept (response by promised_by), broken
-- (later, or none and promised_by passed) or open at the as-of date
create or replace table marts.fct_promises as
with responded as (
    select
        i.interaction_id, i.customer_id, i.channel, i.touchpoint, i.started_at, i.promised_by,
        case when i.responded_at <= a.as_of_at then i.responded_at end as responded_at,
        a.as_of_at
    from interactions as i
    cross join as_of as a
    where i.promised_by is not null
),
assessed as (
    select
        *,
        case
            when responded_at <= promised_by then 'kept'
            when responded_at is not null or promised_by < as_of_at then 'broken'
            else 'open'
        end as status
    from responded
)
select
    interaction_id, customer_id, channel, touchpoint, started_at, promised_by, responded_at,
    hours_between(started_at, promised_by) as promised_hours,
    status,
    case status when 'kept' then true when 'broken' then false end as is_kept,
    case
        when status = 'kept' then 0.0
        when responded_at is not null then hours_between(promised_by, responded_at)
        when status = 'broken' then hours_between(promised_by, as_of_at)
    end as hours_late
from assessed;

-- fct_promise_impact: NPS of the customer's first NPS answer in the 30 days after a kept vs a
-- broken promise, per channel of the seed and overall ('all'), and the difference
create or replace table marts.fct_promise_impact as
with promises as (
    select interaction_id, customer_id, channel, started_at, status
    from marts.fct_promises
    where status in ('kept', 'broken') and customer_id is not null
),
next_answers as (
    select
        p.channel,
        p.status,
        case when n.submitted_at <= p.started_at + interval 30 day then n.first_category end
            as nps_category
    from promises as p
    asof left join nps_moments as n
        on p.customer_id = n.customer_id and p.started_at < n.submitted_at
),
counted as (
    select
        case when grouping(channel) = 1 then 'all' else channel end as scope,
        n_if(status = 'kept') as kept_promises,
        n_if(status = 'kept' and nps_category is not null) as kept_responses,
        n_if(status = 'kept' and nps_category = 'promoter') as kept_promoters,
        n_if(status = 'kept' and nps_category = 'passive') as kept_passives,
        n_if(status = 'kept' and nps_category = 'detractor') as kept_detractors,
        n_if(status = 'broken') as broken_promises,
        n_if(status = 'broken' and nps_category is not null) as broken_responses,
        n_if(status = 'broken' and nps_category = 'promoter') as broken_promoters,
        n_if(status = 'broken' and nps_category = 'passive') as broken_passives,
        n_if(status = 'broken' and nps_category = 'detractor') as broken_detractors
    from next_answers
    group by grouping sets ((channel), ())
),
scoped as (
    -- every channel of the seed keeps a row, of zeros without promises
    select
        s.channel,
        coalesce(c.kept_promises, 0) as kept_promises,
        coalesce(c.kept_responses, 0) as kept_responses,
        coalesce(c.kept_promoters, 0) as kept_promoters,
        coalesce(c.kept_passives, 0) as kept_passives,
        coalesce(c.kept_detractors, 0) as kept_detractors,
        coalesce(c.broken_promises, 0) as broken_promises,
        coalesce(c.broken_responses, 0) as broken_responses,
        coalesce(c.broken_promoters, 0) as broken_promoters,
        coalesce(c.broken_passives, 0) as broken_passives,
        coalesce(c.broken_detractors, 0) as broken_detractors
    from (
        select 'all' as channel
        union all
        select channel from read_csv('${SEEDS}/channels.csv', header = true)
    ) as s
    left join counted as c on s.channel = c.scope
)
select
    channel,
    kept_promises, kept_responses, kept_promoters, kept_passives, kept_detractors,
    nps_of(kept_promoters, kept_detractors, kept_responses) as kept_nps,
    nps_ci(kept_promoters, kept_detractors, kept_responses, -1) as kept_nps_ci_low,
    nps_ci(kept_promoters, kept_detractors, kept_responses, 1) as kept_nps_ci_high,
    broken_promises, broken_responses, broken_promoters, broken_passives, broken_detractors,
    nps_of(broken_promoters, broken_detractors, broken_responses) as broken_nps,
    nps_ci(broken_promoters, broken_detractors, broken_responses, -1) as broken_nps_ci_low,
    nps_ci(broken_promoters, broken_detractors, broken_responses, 1) as broken_nps_ci_high,
    unnest(nps_difference(kept_promoters, kept_detractors, kept_responses,
        broken_promoters, broken_detractors, broken_responses))
from scoped;

-- the journeys: each relational NPS answer of a known customer with the customer's contact
-- moments that started in the 90 days before it (none: one row without a moment), the
-- moment's emotion and whether its promise was broken by the as-of date
create or replace temp table journey_moments as
select
    r.response_id as journey_id,
    r.customer_id,
    r.submitted_at as closed_at,
    r.nps_score,
    r.nps_category,
    i.interaction_id,
    i.touchpoint,
    i.started_at,
    i.promised_by < (select as_of_at from as_of)
        and not coalesce(i.responded_at <= i.promised_by, false) as is_broken,
    e.valence
from marts.fct_survey_responses as r
left join interactions as i
    on r.customer_id = i.customer_id
    and i.started_at < r.submitted_at
    and i.started_at >= r.submitted_at - interval 90 day
left join moment_emotions as e on i.interaction_id = e.interaction_id
where r.survey_type = 'relational' and r.nps_score is not null and r.is_known_customer;

-- fct_customer_journeys: one row per journey, its emotions the peak-end way (peak: most
-- extreme, a tie to the negative; end: the last moment with an emotion) next to their mean
create or replace table marts.fct_customer_journeys as
select
    journey_id,
    customer_id,
    closed_at,
    count(interaction_id) as contact_moments,
    -- the sorted distinct touchpoints (a list: half the CPU of an ordered distinct string_agg)
    nullif(array_to_string(list_sort(list_distinct(list(touchpoint))), ','), '') as touchpoints,
    count(valence) as emotions_observed,
    avg(valence::double) as mean_valence,
    peak_valence(valence)::integer as peak_valence,
    arg_max(valence, (started_at, interaction_id)) filter (where valence is not null)::integer
        as end_valence,
    (peak_valence(valence)::double
        + arg_max(valence, (started_at, interaction_id)) filter (where valence is not null)::double)
    / 2.0 as peak_end_score,
    nps_score,
    nps_category,
    n_if(is_broken) as broken_promises
from journey_moments
group by journey_id, customer_id, closed_at, nps_score, nps_category;

-- fct_touchpoint_drivers: per touchpoint of the seed, the NPS of journeys whose experience
-- there (the peak of its emotions) was negative vs positive, and the difference
create or replace table marts.fct_touchpoint_drivers as
with experiences as (
    select touchpoint, nps_category, peak_valence(valence) as valence
    from journey_moments
    where valence is not null
    group by journey_id, touchpoint, nps_category
),
counted as (
    select
        t.touchpoint,
        t.journey_order,
        n_if(e.valence < 0) as negative_journeys,
        n_if(e.valence < 0 and e.nps_category = 'promoter') as negative_promoters,
        n_if(e.valence < 0 and e.nps_category = 'passive') as negative_passives,
        n_if(e.valence < 0 and e.nps_category = 'detractor') as negative_detractors,
        n_if(e.valence > 0) as positive_journeys,
        n_if(e.valence > 0 and e.nps_category = 'promoter') as positive_promoters,
        n_if(e.valence > 0 and e.nps_category = 'passive') as positive_passives,
        n_if(e.valence > 0 and e.nps_category = 'detractor') as positive_detractors,
        n_if(e.valence = 0) as neutral_journeys
    from read_csv('${SEEDS}/touchpoint_taxonomy.csv', header = true) as t
    left join experiences as e on t.touchpoint = e.touchpoint
    group by t.touchpoint, t.journey_order
)
select
    touchpoint, journey_order,
    negative_journeys, negative_promoters, negative_passives, negative_detractors,
    nps_of(negative_promoters, negative_detractors, negative_journeys) as negative_nps,
    nps_ci(negative_promoters, negative_detractors, negative_journeys, -1) as negative_nps_ci_low,
    nps_ci(negative_promoters, negative_detractors, negative_journeys, 1) as negative_nps_ci_high,
    positive_journeys, positive_promoters, positive_passives, positive_detractors,
    nps_of(positive_promoters, positive_detractors, positive_journeys) as positive_nps,
    nps_ci(positive_promoters, positive_detractors, positive_journeys, -1) as positive_nps_ci_low,
    nps_ci(positive_promoters, positive_detractors, positive_journeys, 1) as positive_nps_ci_high,
    neutral_journeys,
    least(negative_journeys, positive_journeys) < 30 as is_small_sample,
    unnest(nps_difference(positive_promoters, positive_detractors, positive_journeys,
        negative_promoters, negative_detractors, negative_journeys))
from counted;

-- fct_detractor_followups: each detractor answer of a known customer with the customer's
-- first contact moment after it (earliest start, then lowest interaction_id; an asof join on
-- the moments per start), if it started by the as-of date, and the loop's status
create or replace table marts.fct_detractor_followups as
with moment_starts as (
    select
        customer_id,
        started_at,
        arg_min(struct_pack(interaction_id, channel), interaction_id) as moment
    from interactions
    where customer_id is not null
    group by customer_id, started_at
),
visible as (
    select
        r.response_id, r.customer_id, r.survey_type, r.submitted_at, r.nps_score, r.comment,
        r.touchpoint, r.channel,
        case when m.started_at <= a.as_of_at then m.moment.interaction_id end
            as followup_interaction_id,
        case when m.started_at <= a.as_of_at then m.moment.channel end as followup_channel,
        case when m.started_at <= a.as_of_at then m.started_at end as followup_started_at,
        hours_between(r.submitted_at, a.as_of_at) as hours_since_answer
    from marts.fct_survey_responses as r
    asof left join moment_starts as m
        on r.customer_id = m.customer_id and r.submitted_at < m.started_at
    cross join as_of as a
    where r.nps_category = 'detractor' and r.is_known_customer
)
select
    response_id, customer_id, survey_type, submitted_at, nps_score, comment, touchpoint, channel,
    followup_interaction_id, followup_channel, followup_started_at,
    hours_between(submitted_at, followup_started_at) as hours_to_followup,
    case
        when followup_started_at is null and hours_since_answer > 48 then 'overdue'
        when followup_started_at is null then 'open'
        when hours_to_followup <= 48 then 'closed'
        else 'closed_late'
    end as status
from visible;

-- ingest and semantic

-- fct_quarantine_summary (ingest): records each export file lost to quarantine, per reason
create or replace table marts.fct_quarantine_summary as
select
    q.file_id,
    l.file_name,
    l.entity,
    l.load_seq,
    q.reason,
    q.quarantined_records,
    q.first_line_number,
    l.rows_read as file_rows_read,
    q.quarantined_records / l.rows_read::double as share_of_file_rows
from (
    select file_id, reason, count(*) as quarantined_records, min(line)::bigint as first_line_number
    from read_parquet('${LANDING}/_quarantine/*.parquet', union_by_name = true)
    group by file_id, reason
) as q
inner join read_parquet('${LANDING}/_ledger/*.parquet', union_by_name = true) as l
    on q.file_id = l.file_id;

-- dim_dates (semantic): the calendar from 2000-01-01 to 2069-12-31
create or replace table marts.dim_dates as
select unnest(generate_series(timestamp '2000-01-01', timestamp '2069-12-31', interval 1 day))::date
    as date_day;
