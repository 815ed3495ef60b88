-- One row: the as-of date every as-of mart measured against (tenure, recency, active, churn,
-- survival, follow-up status) and where it came from, so that a summary, the report or a BI
-- user can say which "now" the numbers describe.
with as_of as (
    select
        as_of_at,
        as_of_source
    from {{ ref('int_as_of_date') }}
),

final as (
    select
        as_of_at,
        cast(as_of_at as date) as as_of_date,
        as_of_source
    from as_of
)

select * from final
