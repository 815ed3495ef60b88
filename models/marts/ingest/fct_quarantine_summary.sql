-- One row per export file and quarantine reason: how many records of the file were rejected
-- for that reason, where the first one is, and what share of the file's records that is.
with quarantine as (
    select * from {{ ref('stg_ingest__quarantine') }}
),

ledger as (
    select * from {{ ref('stg_ingest__ledger') }}
),

by_reason as (
    select
        file_id,
        reason,
        count(*) as quarantined_records,
        cast(min(line_number) as {{ dbt.type_bigint() }}) as first_line_number
    from quarantine
    group by file_id, reason
),

final as (
    select
        by_reason.file_id,
        ledger.file_name,
        ledger.entity,
        ledger.load_seq,
        by_reason.reason,
        by_reason.quarantined_records,
        by_reason.first_line_number,
        ledger.rows_read as file_rows_read,
        cast(by_reason.quarantined_records as double)
        / cast(ledger.rows_read as double) as share_of_file_rows
    from by_reason
    inner join ledger on by_reason.file_id = ledger.file_id
)

select * from final
