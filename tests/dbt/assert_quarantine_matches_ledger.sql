-- Every file's quarantined count in the ledger equals the quarantine rows of that file,
-- so rows read = accepted + quarantined holds against what is actually stored.
with ledger as (
    select
        file_id,
        rows_quarantined
    from {{ ref('stg_ingest__ledger') }}
),

quarantine as (
    select
        file_id,
        count(*) as quarantine_rows
    from {{ ref('stg_ingest__quarantine') }}
    group by file_id
)

select
    ledger.file_id,
    ledger.rows_quarantined,
    coalesce(quarantine.quarantine_rows, 0) as quarantine_rows
from ledger
left join quarantine
    on ledger.file_id = quarantine.file_id
where ledger.rows_quarantined != coalesce(quarantine.quarantine_rows, 0)
