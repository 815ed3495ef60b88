-- One row per export file the ingest loaded.
with source as (
    select * from {{ landing_source('ingest', 'ledger') }}
),

renamed as (
    select
        file_id,
        file_name,
        entity,
        load_seq,
        loaded_at,
        size_bytes,
        rows_read,
        rows_accepted,
        rows_quarantined
    from source
)

select * from renamed
