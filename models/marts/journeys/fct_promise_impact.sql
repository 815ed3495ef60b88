-- What keeping a promise is worth: the NPS of the customer's next answer after a kept versus
-- a broken promise, overall (channel 'all') and per channel (seed channels). The next answer
-- (int_contact_moments, as of no date) is the customer's first NPS answer (any survey type)
-- submitted after the contact moment started and within var `promise_next_answer_days` days;
-- promises without one are counted in *_promises but not in the NPS. Open promises are left
-- out. The difference is kept minus broken, with its adjusted-Wald interval and z.
-- A whole-table aggregate over the promises (fct_promises) and their next answers.
with promises as (
    select
        interaction_id,
        customer_id,
        channel,
        status
    from {{ ref('fct_promises') }}
    where
        status in ('kept', 'broken')
        and customer_id is not null
),

contact_moments as (
    select
        interaction_id,
        next_nps_category
    from {{ ref('int_contact_moments') }}
    where promised_by is not null
),

channels as (
    select channel from {{ ref('channels') }}
),

next_answers as (
    select
        promises.channel,
        promises.status,
        contact_moments.next_nps_category as nps_category
    from promises
    left join contact_moments
        on promises.interaction_id = contact_moments.interaction_id
),

scoped as (
    select
        channel,
        status,
        nps_category
    from next_answers
    union all
    select
        'all' as channel,
        status,
        nps_category
    from next_answers
),

scopes as (
    select 'all' as channel
    union all
    select channel from channels
),

flagged as (
    select
        channel,
        case when status = 'kept' then 1 else 0 end as is_kept,
        case when status = 'kept' and nps_category is not null then 1 else 0 end as is_kept_answered,
        case when status = 'kept' and nps_category = 'promoter' then 1 else 0 end as is_kept_promoter,
        case when status = 'kept' and nps_category = 'passive' then 1 else 0 end as is_kept_passive,
        case when status = 'kept' and nps_category = 'detractor' then 1 else 0 end as is_kept_detractor,
        case when status = 'broken' then 1 else 0 end as is_broken,
        case when status = 'broken' and nps_category is not null then 1 else 0 end as is_broken_answered,
        case when status = 'broken' and nps_category = 'promoter' then 1 else 0 end as is_broken_promoter,
        case when status = 'broken' and nps_category = 'passive' then 1 else 0 end as is_broken_passive,
        case when status = 'broken' and nps_category = 'detractor' then 1 else 0 end as is_broken_detractor
    from scoped
),

counted as (
    -- from the seed plus 'all', so that a channel without promises keeps a row of zeros
    select
        scopes.channel,
        cast(coalesce(sum(flagged.is_kept), 0) as bigint) as kept_promises,
        cast(coalesce(sum(flagged.is_kept_answered), 0) as bigint) as kept_responses,
        cast(coalesce(sum(flagged.is_kept_promoter), 0) as bigint) as kept_promoters,
        cast(coalesce(sum(flagged.is_kept_passive), 0) as bigint) as kept_passives,
        cast(coalesce(sum(flagged.is_kept_detractor), 0) as bigint) as kept_detractors,
        cast(coalesce(sum(flagged.is_broken), 0) as bigint) as broken_promises,
        cast(coalesce(sum(flagged.is_broken_answered), 0) as bigint) as broken_responses,
        cast(coalesce(sum(flagged.is_broken_promoter), 0) as bigint) as broken_promoters,
        cast(coalesce(sum(flagged.is_broken_passive), 0) as bigint) as broken_passives,
        cast(coalesce(sum(flagged.is_broken_detractor), 0) as bigint) as broken_detractors
    from scopes
    left join flagged
        on scopes.channel = flagged.channel
    group by scopes.channel
),

compared as (
    select
        channel,
        kept_promises,
        kept_responses,
        kept_promoters,
        kept_passives,
        kept_detractors,
        {{ nps('kept_promoters', 'kept_detractors', 'kept_responses') }} as kept_nps,
        {{ nps_ci_bound('kept_promoters', 'kept_detractors', 'kept_responses', 'low') }} as kept_nps_ci_low,
        {{ nps_ci_bound('kept_promoters', 'kept_detractors', 'kept_responses', 'high') }} as kept_nps_ci_high,
        broken_promises,
        broken_responses,
        broken_promoters,
        broken_passives,
        broken_detractors,
        {{ nps('broken_promoters', 'broken_detractors', 'broken_responses') }} as broken_nps,
        {{ nps_ci_bound('broken_promoters', 'broken_detractors', 'broken_responses', 'low') }}
            as broken_nps_ci_low,
        {{ nps_ci_bound('broken_promoters', 'broken_detractors', 'broken_responses', 'high') }}
            as broken_nps_ci_high,
        {{ nps('kept_promoters', 'kept_detractors', 'kept_responses') }}
        - {{ nps('broken_promoters', 'broken_detractors', 'broken_responses') }} as nps_difference,
        {{ nps_adjusted('kept_promoters', 'kept_detractors', 'kept_responses') }}
        - {{ nps_adjusted('broken_promoters', 'broken_detractors', 'broken_responses') }}
            as nps_difference_adjusted,
        {{ nps_difference_ci_bound(
            'kept_promoters', 'kept_detractors', 'kept_responses',
            'broken_promoters', 'broken_detractors', 'broken_responses', 'low'
        ) }} as nps_difference_ci_low,
        {{ nps_difference_ci_bound(
            'kept_promoters', 'kept_detractors', 'kept_responses',
            'broken_promoters', 'broken_detractors', 'broken_responses', 'high'
        ) }} as nps_difference_ci_high,
        {{ nps_difference_z(
            'kept_promoters', 'kept_detractors', 'kept_responses',
            'broken_promoters', 'broken_detractors', 'broken_responses'
        ) }} as nps_difference_z
    from counted
),

final as (
    select
        *,
        abs(nps_difference_z) >= {{ var('nps_ci_z') }} as is_significant
    from compared
)

select * from final
