-- One row per customer journey: a known customer's contact moments in the var
-- `journey_window_days` days before a relational NPS answer, with the emotions reported for
-- them summarised the peak-end way (peak: most extreme valence, a tie goes to the negative
-- one; end: the last contact moment with an observed emotion) next to their mean.
with journey_moments as (
    select * from {{ ref('int_journey_contact_moments') }}
),

summarised as (
    select
        journey_id,
        customer_id,
        closed_at,
        nps_score,
        nps_category,
        cast(count(interaction_id) as bigint) as contact_moments,
        {{ sorted_distinct_list('touchpoint') }} as touchpoints,
        cast(count(emotion_valence) as bigint) as emotions_observed,
        avg(cast(emotion_valence as double)) as mean_valence,
        {{ peak_valence('emotion_valence') }} as peak_valence,
        max(case when is_end_moment then emotion_valence end) as end_valence,
        cast(sum(case when promise_status = 'broken' then 1 else 0 end) as bigint) as broken_promises
    from journey_moments
    group by
        journey_id,
        customer_id,
        closed_at,
        nps_score,
        nps_category
),

final as (
    select
        journey_id,
        customer_id,
        closed_at,
        contact_moments,
        touchpoints,
        emotions_observed,
        mean_valence,
        cast(peak_valence as integer) as peak_valence,
        cast(end_valence as integer) as end_valence,
        (cast(peak_valence as double) + cast(end_valence as double)) / 2.0 as peak_end_score,
        nps_score,
        nps_category,
        broken_promises
    from summarised
)

select * from final
