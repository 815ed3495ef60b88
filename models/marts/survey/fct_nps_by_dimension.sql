-- NPS per calendar month x survey type x dimension x value, for the dimensions touchpoint,
-- channel, survey_type, segment, country and persona, with the month-on-month change of the
-- same value and its significance on the adjusted-Wald estimates.
-- survey_type is a column of every row: 'relational' and 'transactional' rows never mix the
-- two, 'all' rows are the combined view (the survey_type column, not a silent mix). Every
-- NPS answer is counted once per survey-type view and dimension: a missing value (relational
-- answers have no touchpoint or channel; anonymous and not-yet-known customers no segment,
-- country or persona) is counted under '(none)', so the values of a dimension add up to the
-- month's answers. Customer attributes are the customer's current ones (dim_customers).
{#- the dimensions to slice by (var nps_dimensions), each named for its column of described -#}
{%- set columns = {
    'touchpoint': 'touchpoint',
    'channel': 'channel',
    'survey_type': 'survey_type',
    'segment': 'segment',
    'country': 'country_code',
    'persona': 'persona',
} %}
{%- set dimensions = {} %}
{%- for name in var('nps_dimensions') %}
    {%- if name not in columns %}
        {{ exceptions.raise_compiler_error("var nps_dimensions: unknown dimension " ~ name) }}
    {%- endif %}
    {%- do dimensions.update({name: columns[name]}) %}
{%- endfor %}
with responses as (
    select
        customer_id,
        survey_type,
        touchpoint,
        channel,
        submitted_month,
        nps_category
    from {{ ref('fct_survey_responses') }}
    where nps_score is not null
),

customers as (
    select
        customer_id,
        segment,
        country_code,
        persona
    from {{ ref('dim_customers') }}
),

described as (
    select
        responses.submitted_month,
        responses.survey_type,
        responses.touchpoint,
        responses.channel,
        responses.nps_category,
        customers.segment,
        customers.country_code,
        customers.persona
    from responses
    left join customers
        on responses.customer_id = customers.customer_id
),

-- one row per answer and dimension
unpivoted as (
    {% for name, column in dimensions.items() %}
        select
            submitted_month,
            survey_type,
            '{{ name }}' as dimension_name,
            coalesce(cast({{ column }} as {{ dbt.type_string() }}), '(none)') as dimension_value,
            nps_category
        from described
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

counted_by_type as (
    select
        submitted_month as month_start,
        survey_type,
        dimension_name,
        dimension_value,
        count(*) as responses,
        sum(case when nps_category = 'promoter' then 1 else 0 end) as promoters,
        sum(case when nps_category = 'passive' then 1 else 0 end) as passives,
        sum(case when nps_category = 'detractor' then 1 else 0 end) as detractors
    from unpivoted
    group by submitted_month, survey_type, dimension_name, dimension_value
),

counted as (
    select
        month_start,
        survey_type,
        dimension_name,
        dimension_value,
        cast(responses as bigint) as responses,
        cast(promoters as bigint) as promoters,
        cast(passives as bigint) as passives,
        cast(detractors as bigint) as detractors
    from counted_by_type
    union all
    select
        month_start,
        'all' as survey_type,
        dimension_name,
        dimension_value,
        cast(sum(responses) as bigint) as responses,
        cast(sum(promoters) as bigint) as promoters,
        cast(sum(passives) as bigint) as passives,
        cast(sum(detractors) as bigint) as detractors
    from counted_by_type
    group by month_start, dimension_name, dimension_value
),

measured as (
    select
        month_start,
        survey_type,
        dimension_name,
        dimension_value,
        responses,
        promoters,
        passives,
        detractors,
        {{ nps('promoters', 'detractors', 'responses') }} as nps,
        {{ nps_ci_bound('promoters', 'detractors', 'responses', 'low') }} as nps_ci_low,
        {{ nps_ci_bound('promoters', 'detractors', 'responses', 'high') }} as nps_ci_high,
        {{ nps_adjusted('promoters', 'detractors', 'responses') }} as nps_adjusted,
        {{ nps_adjusted_se('promoters', 'detractors', 'responses') }} as nps_adjusted_se
    from counted
),

compared as (
    select
        measured.*,
        previous.nps as previous_month_nps,
        (measured.nps_adjusted - previous.nps_adjusted) / sqrt(
            measured.nps_adjusted_se * measured.nps_adjusted_se
            + previous.nps_adjusted_se * previous.nps_adjusted_se
        ) as change_z
    from measured
    left join measured as previous
        on
            measured.survey_type = previous.survey_type
            and measured.dimension_name = previous.dimension_name
            and measured.dimension_value = previous.dimension_value
            and cast({{ dbt.dateadd('month', -1, 'measured.month_start') }} as date)
            = previous.month_start
),

final as (
    select
        month_start,
        survey_type,
        dimension_name,
        dimension_value,
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
        end as is_significant_change,
        responses < {{ var('nps_small_sample_min') }} as is_small_sample
    from compared
)

select * from final
