-- One row per customer journey: a known customer's contact moments in the var
-- `journey_window_days` days before a relational NPS answer, with the emotions reported for
-- them summarised the peak-end way (peak: most extreme valence, a tie goes to the negative
-- one; end: the last contact moment with an observed emotion) next to their mean.
-- The summaries come from int_journey_contact_moments (incremental, as-of free: one row per
-- journey is_journey_row); this step only applies the as-of date: a missed promise is broken
-- once promised_by lies before it, so the few contact moments whose promise_missed_at is at
-- or after the as-of date are not counted.
with journey_moments as (
    select
        journey_id,
        customer_id,
        closed_at,
        contact_moments,
        touchpoints,
        emotions_observed,
        mean_valence,
        peak_valence,
        end_valence,
        peak_end_score,
        nps_score,
        nps_category,
        promises_missed,
        promise_missed_at,
        is_journey_row
    from {{ ref('int_journey_contact_moments') }}
),

as_of as (
    select as_of_at from {{ ref('int_as_of_date') }}
),

not_yet_broken as (
    select
        journey_moments.journey_id,
        count(*) as open_promises
    from journey_moments
    inner join as_of
        on journey_moments.promise_missed_at >= as_of.as_of_at
    group by journey_moments.journey_id
),

final as (
    select
        journey_moments.journey_id,
        journey_moments.customer_id,
        journey_moments.closed_at,
        journey_moments.contact_moments,
        journey_moments.touchpoints,
        journey_moments.emotions_observed,
        journey_moments.mean_valence,
        journey_moments.peak_valence,
        journey_moments.end_valence,
        journey_moments.peak_end_score,
        journey_moments.nps_score,
        journey_moments.nps_category,
        cast(journey_moments.promises_missed - coalesce(not_yet_broken.open_promises, 0) as bigint)
            as broken_promises
    from journey_moments
    left join not_yet_broken
        on journey_moments.journey_id = not_yet_broken.journey_id
    where journey_moments.is_journey_row
)

select * from final
