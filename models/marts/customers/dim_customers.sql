-- One row per customer in the CRM export: profile, first and latest NPS answer, orders,
-- revenue and tenure (measured against int_as_of_date), activity (int_customer_lifecycle),
-- the persona (seed persona_rules, lowest precedence of the matching rules wins) and the
-- loyalty score (docs/metrics.md; weights and caps in vars loyalty_*).
-- The as-of step: the aggregates come from int_customer_profile (incremental, as-of free);
-- this model applies the as-of date (tenure, active subscription, recent answers, activity,
-- recency) and the persona rules and loyalty score, cheap projections and small joins.
with customer_profile as (
    select * from {{ ref('int_customer_profile') }}
),

responses as (
    select
        customer_id,
        submitted_at
    from {{ ref('fct_survey_responses') }}
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

-- answers in the engagement window up to the as-of date
recent as (
    select
        responses.customer_id,
        count(*) as recent_answers
    from responses
    cross join as_of
    where
        responses.customer_id is not null
        and responses.submitted_at > {{ dbt.dateadd(
            'day', -1 * var('persona_engagement_days'), 'as_of.as_of_at'
        ) }}
        and responses.submitted_at <= as_of.as_of_at
    group by responses.customer_id
),

profile as (
    select
        customer_profile.customer_id,
        customer_profile.country_code,
        customer_profile.segment,
        customer_profile.acquisition_channel,
        customer_profile.created_at,
        cast(
            {{ dbt.datediff('customer_profile.created_at', 'as_of.as_of_at', 'day') }} as bigint  -- noqa: LT05
        ) as tenure_days,
        customer_profile.orders,
        customer_profile.revenue,
        customer_profile.discount_total,
        customer_profile.discount_share,
        customer_profile.first_order_at,
        customer_profile.last_order_at,
        customer_profile.subscriptions,
        (
            customer_profile.has_open_subscription
            or coalesce(customer_profile.last_subscription_ended_at > as_of.as_of_at, false)
        ) as has_active_subscription,
        customer_profile.nps_answers,
        customer_profile.first_nps_at,
        customer_profile.first_nps_score,
        customer_profile.first_nps_category,
        customer_profile.latest_nps_at,
        customer_profile.latest_nps_score,
        customer_profile.latest_nps_category,
        customer_profile.survey_answers,
        cast(coalesce(recent.recent_answers, 0) as bigint) as recent_answers,
        customer_profile.last_answer_at,
        customer_profile.ces_mean,
        coalesce(lifecycle.is_active, false) as is_active,
        lifecycle.churned_at,
        case
            when lifecycle.customer_id is null then 'never_active'
            when lifecycle.is_active then 'active'
            else 'churned'
        end as activity_status,
        case
            when customer_profile.last_order_at is null then customer_profile.last_answer_at
            when customer_profile.last_answer_at is null then customer_profile.last_order_at
            when customer_profile.last_order_at >= customer_profile.last_answer_at
                then customer_profile.last_order_at
            else customer_profile.last_answer_at
        end as last_activity_at,
        as_of.as_of_at
    from customer_profile
    cross join as_of
    left join recent
        on customer_profile.customer_id = recent.customer_id
    left join lifecycle
        on customer_profile.customer_id = lifecycle.customer_id
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
