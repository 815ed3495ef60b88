-- NPS over the trailing var nps_trailing_window_days (90) days, one row per day from the
-- first to the last NPS answer day (UTC): the window [day - 89, day] counts each customer's
-- latest NPS answer in it once; an anonymous answer is its own respondent. Relational and
-- transactional answers are combined, as in fct_nps_monthly (by type: fct_nps_by_dimension).
--
-- Cost: instead of joining every day to every answer of the window (days x answers in a
-- window, e.g. 10 M answers x 90 days), each answer becomes an interval of the days on which
-- it is its respondent's latest answer in the window: from its day to the earlier of
-- day + 89 and the day before the respondent's next answer (empty when the next answer is
-- on the same day). Two events per answer (+1 on the first day, -1 after the last) are
-- summed per day and run-summed over the day spine: one sort of the answers per respondent
-- (lead) plus a group-by, O(n log n) in answers and linear in days.
{%- set window_days = var('nps_trailing_window_days') %}
with responses as (
    select
        response_id,
        customer_id,
        submitted_at,
        nps_category
    from {{ ref('fct_survey_responses') }}
    where nps_score is not null
),

answers as (
    select
        response_id,
        nps_category,
        cast(submitted_at as date) as answer_day,
        lead(cast(submitted_at as date)) over (
            -- an anonymous answer (no customer id) is a respondent of its own
            partition by customer_id, case when customer_id is null then response_id end
            order by submitted_at asc, response_id asc
        ) as next_answer_day
    from responses
),

intervals as (
    select
        answer_day as first_day,
        case
            when
                next_answer_day is not null
                and next_answer_day
                <= cast({{ dbt.dateadd('day', window_days - 1, 'answer_day') }} as date)
                then cast({{ dbt.dateadd('day', -1, 'next_answer_day') }} as date)
            else cast({{ dbt.dateadd('day', window_days - 1, 'answer_day') }} as date)
        end as last_day,
        case when nps_category = 'promoter' then 1 else 0 end as is_promoter,
        case when nps_category = 'passive' then 1 else 0 end as is_passive,
        case when nps_category = 'detractor' then 1 else 0 end as is_detractor
    from answers
),

events as (
    select
        first_day as event_day,
        is_promoter as promoter_delta,
        is_passive as passive_delta,
        is_detractor as detractor_delta
    from intervals
    where last_day >= first_day
    union all
    select
        cast({{ dbt.dateadd('day', 1, 'last_day') }} as date) as event_day,
        -1 * is_promoter as promoter_delta,
        -1 * is_passive as passive_delta,
        -1 * is_detractor as detractor_delta
    from intervals
    where last_day >= first_day
),

daily_deltas as (
    select
        event_day,
        sum(promoter_delta) as promoter_delta,
        sum(passive_delta) as passive_delta,
        sum(detractor_delta) as detractor_delta
    from events
    group by event_day
),

bounds as (
    select
        min(answer_day) as first_day,
        max(answer_day) as last_day
    from answers
),

-- 0 .. 65535: a day spine of up to 179 years, cut to the answer days below
offsets as (
    {{ dbt.generate_series(65536) }}
),

days as (
    select
        cast(
            {{ dbt.dateadd('day', 'offsets.generated_number - 1', 'bounds.first_day') }} as date
        ) as date_day
    from offsets
    cross join bounds
    where
        offsets.generated_number - 1
        <= {{ dbt.datediff('bounds.first_day', 'bounds.last_day', 'day') }}
),

running as (
    select
        days.date_day,
        sum(coalesce(daily_deltas.promoter_delta, 0)) over (
            order by days.date_day rows between unbounded preceding and current row
        ) as promoters,
        sum(coalesce(daily_deltas.passive_delta, 0)) over (
            order by days.date_day rows between unbounded preceding and current row
        ) as passives,
        sum(coalesce(daily_deltas.detractor_delta, 0)) over (
            order by days.date_day rows between unbounded preceding and current row
        ) as detractors
    from days
    left join daily_deltas
        on days.date_day = daily_deltas.event_day
),

counted as (
    select
        date_day,
        cast({{ dbt.dateadd('day', 1 - window_days, 'date_day') }} as date) as window_start,
        cast(promoters + passives + detractors as bigint) as responses,
        cast(promoters as bigint) as promoters,
        cast(passives as bigint) as passives,
        cast(detractors as bigint) as detractors
    from running
),

final as (
    select
        date_day,
        window_start,
        responses,
        promoters,
        passives,
        detractors,
        {{ nps('promoters', 'detractors', 'responses') }} as nps,
        {{ nps_ci_bound('promoters', 'detractors', 'responses', 'low') }} as nps_ci_low,
        {{ nps_ci_bound('promoters', 'detractors', 'responses', 'high') }} as nps_ci_high
    from counted
)

select * from final
