-- Which contact moments make or break loyalty: per touchpoint (seed touchpoint_taxonomy, in
-- journey order), the NPS of the closing answers of journeys whose experience at that
-- touchpoint was negative (valence < 0) versus positive (> 0), and the difference (positive
-- minus negative) with its adjusted-Wald interval and z. A journey's experience at a
-- touchpoint is the peak (macro peak_valence) of the emotions observed there, so a journey
-- counts at most once per touchpoint; neutral experiences (0) are in neither group.
with journey_moments as (
    select
        journey_id,
        nps_category,
        touchpoint,
        emotion_valence
    from {{ ref('int_journey_contact_moments') }}
    where emotion_valence is not null
),

touchpoints as (
    select
        touchpoint,
        journey_order
    from {{ ref('touchpoint_taxonomy') }}
),

experiences as (
    select
        journey_id,
        touchpoint,
        nps_category,
        {{ peak_valence('emotion_valence') }} as valence
    from journey_moments
    group by
        journey_id,
        touchpoint,
        nps_category
),

flagged as (
    select
        touchpoint,
        case when valence < 0 then 1 else 0 end as is_negative,
        case when valence < 0 and nps_category = 'promoter' then 1 else 0 end as is_negative_promoter,
        case when valence < 0 and nps_category = 'passive' then 1 else 0 end as is_negative_passive,
        case when valence < 0 and nps_category = 'detractor' then 1 else 0 end as is_negative_detractor,
        case when valence > 0 then 1 else 0 end as is_positive,
        case when valence > 0 and nps_category = 'promoter' then 1 else 0 end as is_positive_promoter,
        case when valence > 0 and nps_category = 'passive' then 1 else 0 end as is_positive_passive,
        case when valence > 0 and nps_category = 'detractor' then 1 else 0 end as is_positive_detractor,
        case when valence = 0 then 1 else 0 end as is_neutral
    from experiences
),

counted as (
    -- from the seed, so that a touchpoint without journeys keeps a row of zeros
    select
        touchpoints.touchpoint,
        touchpoints.journey_order,
        cast(coalesce(sum(flagged.is_negative), 0) as bigint) as negative_journeys,
        cast(coalesce(sum(flagged.is_negative_promoter), 0) as bigint) as negative_promoters,
        cast(coalesce(sum(flagged.is_negative_passive), 0) as bigint) as negative_passives,
        cast(coalesce(sum(flagged.is_negative_detractor), 0) as bigint) as negative_detractors,
        cast(coalesce(sum(flagged.is_positive), 0) as bigint) as positive_journeys,
        cast(coalesce(sum(flagged.is_positive_promoter), 0) as bigint) as positive_promoters,
        cast(coalesce(sum(flagged.is_positive_passive), 0) as bigint) as positive_passives,
        cast(coalesce(sum(flagged.is_positive_detractor), 0) as bigint) as positive_detractors,
        cast(coalesce(sum(flagged.is_neutral), 0) as bigint) as neutral_journeys
    from touchpoints
    left join flagged
        on touchpoints.touchpoint = flagged.touchpoint
    group by
        touchpoints.touchpoint,
        touchpoints.journey_order
),

compared as (
    select
        touchpoint,
        journey_order,
        negative_journeys,
        negative_promoters,
        negative_passives,
        negative_detractors,
        {{ nps('negative_promoters', 'negative_detractors', 'negative_journeys') }} as negative_nps,
        {{ nps_ci_bound('negative_promoters', 'negative_detractors', 'negative_journeys', 'low') }}
            as negative_nps_ci_low,
        {{ nps_ci_bound('negative_promoters', 'negative_detractors', 'negative_journeys', 'high') }}
            as negative_nps_ci_high,
        positive_journeys,
        positive_promoters,
        positive_passives,
        positive_detractors,
        {{ nps('positive_promoters', 'positive_detractors', 'positive_journeys') }} as positive_nps,
        {{ nps_ci_bound('positive_promoters', 'positive_detractors', 'positive_journeys', 'low') }}
            as positive_nps_ci_low,
        {{ nps_ci_bound('positive_promoters', 'positive_detractors', 'positive_journeys', 'high') }}
            as positive_nps_ci_high,
        neutral_journeys,
        {{ nps('positive_promoters', 'positive_detractors', 'positive_journeys') }}
        - {{ nps('negative_promoters', 'negative_detractors', 'negative_journeys') }} as nps_difference,
        {{ nps_adjusted('positive_promoters', 'positive_detractors', 'positive_journeys') }}
        - {{ nps_adjusted('negative_promoters', 'negative_detractors', 'negative_journeys') }}
            as nps_difference_adjusted,
        {{ nps_difference_ci_bound(
            'positive_promoters', 'positive_detractors', 'positive_journeys',
            'negative_promoters', 'negative_detractors', 'negative_journeys', 'low'
        ) }} as nps_difference_ci_low,
        {{ nps_difference_ci_bound(
            'positive_promoters', 'positive_detractors', 'positive_journeys',
            'negative_promoters', 'negative_detractors', 'negative_journeys', 'high'
        ) }} as nps_difference_ci_high,
        {{ nps_difference_z(
            'positive_promoters', 'positive_detractors', 'positive_journeys',
            'negative_promoters', 'negative_detractors', 'negative_journeys'
        ) }} as nps_difference_z,
        least(negative_journeys, positive_journeys) < {{ var('driver_min_journeys') }} as is_small_sample
    from counted
),

final as (
    select
        *,
        abs(nps_difference_z) >= {{ var('nps_ci_z') }} as is_significant
    from compared
)

select * from final
