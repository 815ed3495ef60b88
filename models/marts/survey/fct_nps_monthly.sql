-- NPS per calendar month (of submitted_at, UTC), over every answer to the NPS question
-- (relational and transactional, known, unknown and anonymous customers), with the
-- adjusted-Wald 95% interval. Months without an NPS answer have no row.
with responses as (
    select
        submitted_month,
        nps_category
    from {{ ref('fct_survey_responses') }}
    where nps_score is not null
),

counted as (
    select
        submitted_month as month_start,
        cast(count(*) as bigint) as responses,
        cast(sum(case when nps_category = 'promoter' then 1 else 0 end) as bigint) as promoters,
        cast(sum(case when nps_category = 'passive' then 1 else 0 end) as bigint) as passives,
        cast(sum(case when nps_category = 'detractor' then 1 else 0 end) as bigint) as detractors
    from responses
    group by submitted_month
),

final as (
    select
        month_start,
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
