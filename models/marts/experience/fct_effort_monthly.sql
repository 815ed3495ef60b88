-- Customer Effort Score (CES, 1-7, 7 = very easy) and satisfaction (CSAT, 1-5) per calendar
-- month (of submitted_at, UTC) x touchpoint x channel, over every answer of every survey type
-- and respondent. Relational answers have no touchpoint or channel: they are '(none)'. Each
-- month also has one row with touchpoint = channel = 'all': the monthly total computed from
-- the answers (never an average of the cells' means). A cell has a row when it has at least
-- one CES or CSAT answer; a share is null when its question has no answers in the cell.
with responses as (
    select
        submitted_month,
        coalesce(touchpoint, '(none)') as touchpoint,
        coalesce(channel, '(none)') as channel,
        ces_score,
        is_low_effort,
        csat_score,
        is_satisfied
    from {{ ref('fct_survey_responses') }}
    where ces_score is not null or csat_score is not null
),

cells_and_totals as (
    select
        submitted_month,
        touchpoint,
        channel,
        ces_score,
        is_low_effort,
        csat_score,
        is_satisfied
    from responses
    union all
    select
        submitted_month,
        'all' as touchpoint,
        'all' as channel,
        ces_score,
        is_low_effort,
        csat_score,
        is_satisfied
    from responses
),

counted as (
    select
        submitted_month as month_start,
        touchpoint,
        channel,
        cast(count(ces_score) as bigint) as ces_responses,
        cast(sum(case when is_low_effort then 1 else 0 end) as bigint) as ces_easy_responses,
        cast(sum(ces_score) as bigint) as ces_score_total,
        cast(count(csat_score) as bigint) as csat_responses,
        cast(sum(case when is_satisfied then 1 else 0 end) as bigint) as csat_satisfied_responses,
        cast(sum(csat_score) as bigint) as csat_score_total
    from cells_and_totals
    group by submitted_month, touchpoint, channel
),

final as (
    select
        month_start,
        touchpoint,
        channel,
        ces_responses,
        ces_easy_responses,
        {{ safe_divide('ces_score_total', 'ces_responses') }} as ces_mean,
        {{ safe_divide('ces_easy_responses', 'ces_responses') }} as ces_easy_share,
        csat_responses,
        csat_satisfied_responses,
        {{ safe_divide('csat_satisfied_responses', 'csat_responses') }} as csat_satisfied_share,
        {{ safe_divide('csat_score_total', 'csat_responses') }} as csat_mean
    from counted
)

select * from final
