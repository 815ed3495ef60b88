-- NPS per calendar month (of submitted_at, UTC), over every answer to the NPS question
-- (relational and transactional, known, unknown and anonymous customers), with the
-- adjusted-Wald 95% interval. Months without an NPS answer have no row. The change against
-- the previous calendar month and its significance: the z-test on the adjusted-Wald estimates
-- (macro nps_difference_z), significant when |z| >= var nps_change_z_min, the same test as
-- fct_nps_by_dimension; null when the previous calendar month has no NPS answer.
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

measured as (
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
),

compared as (
    select
        measured.*,
        previous.nps as previous_month_nps,
        {{ nps_difference_z(
            'measured.promoters', 'measured.detractors', 'measured.responses',
            'previous.promoters', 'previous.detractors', 'previous.responses',
        ) }} as change_z
    from measured
    left join measured as previous
        on cast({{ dbt.dateadd('month', -1, 'measured.month_start') }} as date) = previous.month_start
),

final as (
    select
        month_start,
        responses,
        promoters,
        passives,
        detractors,
        nps,
        nps_ci_low,
        nps_ci_high,
        previous_month_nps,
        nps - previous_month_nps as nps_change,
        change_z,
        case
            when change_z is not null then abs(change_z) >= {{ var('nps_change_z_min') }}
        end as is_significant_change
    from compared
)

select * from final
