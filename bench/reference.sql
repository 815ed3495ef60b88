-- "The limit": the marts computed by hand in one DuckDB script, straight from the landing
-- Parquet, without dbt. Free to use DuckDB-only SQL (qualify, arg_max, grouping sets, ::): it
-- is what DuckDB itself can do, the yardstick the dbt build is measured against.
-- ${LANDING} and ${SEEDS} are replaced by bench/reference.py. Thresholds are the defaults
-- of dbt_project.yml (vars ces_easy_min 5, csat_satisfied_min 4, active_window_days 180,
-- persona_engagement_days 365, loyalty_*), and the persona rules those of
-- seeds/persona_rules.csv, written out as one case expression.
-- Covers fct_survey_responses, fct_nps_monthly, fct_effort_monthly, dim_customers and
-- fct_persona_value (the other marts are not reproduced; see docs/benchmarks.md).

create schema if not exists marts;

-- count of rows where x is true (count_if gives null when every x is null)
create or replace temp macro n_if(x) as cast(sum(case when x then 1 else 0 end) as bigint);

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

create or replace temp table as_of as
select max(t) as as_of_at from (
    select max(submitted_at) as t from responses
    union all select max(ordered_at) from orders
    union all select max(started_at) from read_parquet('${LANDING}/interactions/*.parquet', union_by_name = true)
    union all select max(started_at) from subscriptions
    union all select max(created_at) from customers
);

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

-- adjusted-Wald interval (macros/nps_interval.sql) as a macro of this script
create or replace temp macro nps_ci(p, d, n, z_sign) as case when n > 0 then
    greatest(-100.0, least(100.0, 100.0 * (((p + 0.75) / (n + 3.0) - (d + 0.75) / (n + 3.0))
        + z_sign * 1.96 * sqrt(((p + 0.75) / (n + 3.0) + (d + 0.75) / (n + 3.0)
        - ((p + 0.75) / (n + 3.0) - (d + 0.75) / (n + 3.0)) ^ 2) / (n + 3.0))))) end;

create or replace table marts.fct_nps_monthly as
select
    month_start, responses, promoters, passives, detractors,
    100.0 * (promoters - detractors) / responses as nps,
    nps_ci(promoters, detractors, responses, -1) as nps_ci_low,
    nps_ci(promoters, detractors, responses, 1) as nps_ci_high
from (
    select
        submitted_month as month_start,
        count(*) as responses,
        n_if(nps_category = 'promoter') as promoters,
        n_if(nps_category = 'passive') as passives,
        n_if(nps_category = 'detractor') as detractors
    from marts.fct_survey_responses
    where nps_score is not null
    group by all
);

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

create or replace temp table lifecycle as
with activity as (
    select customer_id, ordered_at as active_from, ordered_at + interval 180 day as active_to
    from orders where lower(status) = 'completed'
    union all
    select customer_id, started_at, coalesce(ended_at, (select as_of_at from as_of) + interval 1 day)
    from subscriptions
)
select
    customer_id,
    max(active_to) > (select as_of_at from as_of) as is_active,
    case when max(active_to) <= (select as_of_at from as_of) then max(active_to) end as churned_at
from activity
group by customer_id;

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
    where lower(status) = 'completed'
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
