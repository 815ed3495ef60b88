-- One row per customer in the CRM export: profile, first and latest NPS answer, orders,
-- revenue and tenure (measured against int_as_of_date), activity (int_customer_lifecycle),
-- the persona (seed persona_rules, lowest precedence of the matching rules wins) and the
-- loyalty score (docs/metrics.md; weights and caps in vars loyalty_*).
with customers as (
    select * from {{ ref('stg_crm__customers') }}
),

responses as (
    select * from {{ ref('fct_survey_responses') }}
),

orders as (
    select * from {{ ref('stg_crm__orders') }}
),

subscriptions as (
    select * from {{ ref('stg_crm__subscriptions') }}
),

as_of as (
    select as_of_at from {{ ref('int_as_of_date') }}
),

lifecycle as (
    select * from {{ ref('int_customer_lifecycle') }}
),

persona_rules as (
    select * from {{ ref('persona_rules') }}
),

nps_answers as (
    select
        customer_id,
        submitted_at,
        nps_score,
        nps_category,
        row_number() over (
            partition by customer_id order by submitted_at asc, response_id asc
        ) as first_rank,
        row_number() over (
            partition by customer_id order by submitted_at desc, response_id desc
        ) as latest_rank,
        count(*) over (partition by customer_id) as nps_answers
    from responses
    where nps_score is not null and customer_id is not null
),

answer_totals as (
    select
        responses.customer_id,
        count(*) as survey_answers,
        sum(
            case
                when
                    responses.submitted_at > {{ dbt.dateadd(
                        'day', -1 * var('persona_engagement_days'), 'as_of.as_of_at'
                    ) }}
                    and responses.submitted_at <= as_of.as_of_at
                    then 1
                else 0
            end
        ) as recent_answers,
        max(responses.submitted_at) as last_answer_at,
        avg(cast(responses.ces_score as double)) as ces_mean
    from responses
    cross join as_of
    where responses.customer_id is not null
    group by responses.customer_id
),

order_totals as (
    select
        customer_id,
        count(*) as orders,
        sum(amount) as gross_amount,
        sum(amount - discount_amount) as revenue,
        sum(discount_amount) as discount_total,
        min(ordered_at) as first_order_at,
        max(ordered_at) as last_order_at
    from orders
    where order_status = 'completed'
    group by customer_id
),

subscription_status as (
    select
        subscriptions.customer_id,
        count(*) as subscriptions,
        max(
            case
                when subscriptions.ended_at is null or subscriptions.ended_at > as_of.as_of_at
                    then 1
                else 0
            end
        ) as has_active_subscription
    from subscriptions
    cross join as_of
    group by subscriptions.customer_id
),

profile as (
    select
        customers.customer_id,
        customers.country_code,
        customers.segment,
        customers.acquisition_channel,
        customers.created_at,
        cast(
            {{ dbt.datediff('customers.created_at', 'as_of.as_of_at', 'day') }} as bigint  -- noqa: LT05
        ) as tenure_days,
        cast(coalesce(order_totals.orders, 0) as bigint) as orders,
        cast(coalesce(order_totals.revenue, 0) as decimal(18, 2)) as revenue,
        cast(coalesce(order_totals.discount_total, 0) as decimal(18, 2)) as discount_total,
        {{ safe_share('order_totals.discount_total', 'order_totals.gross_amount') }} as discount_share,
        order_totals.first_order_at,
        order_totals.last_order_at,
        cast(coalesce(subscription_status.subscriptions, 0) as bigint) as subscriptions,
        coalesce(subscription_status.has_active_subscription, 0) = 1 as has_active_subscription,
        cast(coalesce(first_answer.nps_answers, 0) as bigint) as nps_answers,
        first_answer.submitted_at as first_nps_at,
        first_answer.nps_score as first_nps_score,
        first_answer.nps_category as first_nps_category,
        latest_answer.submitted_at as latest_nps_at,
        latest_answer.nps_score as latest_nps_score,
        latest_answer.nps_category as latest_nps_category,
        cast(coalesce(answer_totals.survey_answers, 0) as bigint) as survey_answers,
        cast(coalesce(answer_totals.recent_answers, 0) as bigint) as recent_answers,
        answer_totals.last_answer_at,
        answer_totals.ces_mean,
        coalesce(lifecycle.is_active, false) as is_active,
        lifecycle.churned_at,
        case
            when lifecycle.customer_id is null then 'never_active'
            when lifecycle.is_active then 'active'
            else 'churned'
        end as activity_status,
        case
            when order_totals.last_order_at is null then answer_totals.last_answer_at
            when answer_totals.last_answer_at is null then order_totals.last_order_at
            when order_totals.last_order_at >= answer_totals.last_answer_at
                then order_totals.last_order_at
            else answer_totals.last_answer_at
        end as last_activity_at,
        as_of.as_of_at
    from customers
    cross join as_of
    left join order_totals
        on customers.customer_id = order_totals.customer_id
    left join subscription_status
        on customers.customer_id = subscription_status.customer_id
    left join nps_answers as first_answer
        on customers.customer_id = first_answer.customer_id and first_answer.first_rank = 1
    left join nps_answers as latest_answer
        on customers.customer_id = latest_answer.customer_id and latest_answer.latest_rank = 1
    left join answer_totals
        on customers.customer_id = answer_totals.customer_id
    left join lifecycle
        on customers.customer_id = lifecycle.customer_id
),

-- every rule a customer satisfies; an empty condition in the seed is no condition
rule_matches as (
    select
        profile.customer_id,
        persona_rules.rule_id,
        persona_rules.persona,
        row_number() over (
            partition by profile.customer_id
            order by persona_rules.precedence asc, persona_rules.rule_id asc
        ) as match_rank
    from profile
    inner join persona_rules
        on (
            persona_rules.latest_nps_categories is null
            -- '|promoter|' found in '|passive|detractor|none|'? ('none' = never answered)
            or {{ dbt.position(
                dbt.concat(["'|'", "coalesce(profile.latest_nps_category, 'none')", "'|'"]),
                dbt.concat(["'|'", "persona_rules.latest_nps_categories", "'|'"])
            ) }} > 0
        )
        and (
            persona_rules.activity_status is null
            or profile.activity_status = persona_rules.activity_status
        )
        and (
            persona_rules.min_discount_share is null
            or profile.discount_share >= persona_rules.min_discount_share
        )
        and (persona_rules.min_orders is null or profile.orders >= persona_rules.min_orders)
        and (
            persona_rules.max_recent_answers is null
            or profile.recent_answers <= persona_rules.max_recent_answers
        )
),

measured as (
    select
        profile.*,
        cast(
            {{ dbt.datediff('profile.last_activity_at', 'profile.as_of_at', 'day') }} as bigint  -- noqa: LT05
        ) as recency_days,
        case
            when profile.tenure_days is not null
                then cast(profile.orders as double) * 365.25 / cast(
                    case
                        when profile.tenure_days < {{ var('loyalty_min_tenure_days') }}
                            then {{ var('loyalty_min_tenure_days') }}
                        else profile.tenure_days
                    end as double
                )
        end as orders_per_year
    from profile
),

-- the five loyalty components, each 0..1 (null = unknown, its weight is dropped)
components as (
    select
        measured.*,
        cast(measured.latest_nps_score as double) / 10.0 as nps_component,
        case
            when measured.recency_days is null then 0.0
            else 1.0 - {{ scale_to_unit('measured.recency_days', var('loyalty_recency_cap_days')) }}
        end as recency_component,
        {{ scale_to_unit('measured.orders_per_year', var('loyalty_frequency_cap_per_year')) }}
            as frequency_component,
        {{ scale_to_unit('measured.tenure_days', var('loyalty_tenure_cap_days')) }} as tenure_component,
        (measured.ces_mean - 1.0) / 6.0 as effort_component
    from measured
),

-- loyalty_score = 100 * weighted_sum / weight_sum: the weights of unknown components drop out
scored as (
    select
        components.*,
        {{ var('loyalty_weight_nps') }} * coalesce(components.nps_component, 0.0)
        + {{ var('loyalty_weight_recency') }} * coalesce(components.recency_component, 0.0)
        + {{ var('loyalty_weight_frequency') }} * coalesce(components.frequency_component, 0.0)
        + {{ var('loyalty_weight_tenure') }} * coalesce(components.tenure_component, 0.0)
        + {{ var('loyalty_weight_effort') }} * coalesce(components.effort_component, 0.0)
            as weighted_sum,
        case when components.nps_component is null then 0.0 else {{ var('loyalty_weight_nps') }} end
        + case when components.recency_component is null then 0.0 else {{ var('loyalty_weight_recency') }} end
        + case
            when components.frequency_component is null then 0.0
            else {{ var('loyalty_weight_frequency') }}
        end
        + case when components.tenure_component is null then 0.0 else {{ var('loyalty_weight_tenure') }} end
        + case when components.effort_component is null then 0.0 else {{ var('loyalty_weight_effort') }} end
            as weight_sum
    from components
),

final as (
    select
        scored.customer_id,
        scored.country_code,
        scored.segment,
        scored.acquisition_channel,
        scored.created_at,
        scored.tenure_days,
        scored.orders,
        scored.revenue,
        scored.discount_total,
        scored.first_order_at,
        scored.last_order_at,
        scored.subscriptions,
        scored.has_active_subscription,
        scored.nps_answers,
        scored.first_nps_at,
        scored.first_nps_score,
        scored.first_nps_category,
        scored.latest_nps_at,
        scored.latest_nps_score,
        scored.latest_nps_category,
        scored.discount_share,
        scored.survey_answers,
        scored.recent_answers,
        scored.last_answer_at,
        scored.ces_mean,
        scored.is_active,
        scored.churned_at,
        scored.activity_status,
        scored.recency_days,
        scored.orders_per_year,
        coalesce(rule_matches.persona, 'unclassified') as persona,
        rule_matches.rule_id as persona_rule_id,
        case
            when scored.weight_sum > 0 then 100.0 * scored.weighted_sum / scored.weight_sum
        end as loyalty_score
    from scored
    left join rule_matches
        on scored.customer_id = rule_matches.customer_id and rule_matches.match_rank = 1
)

select * from final
