-- One row per record the ingest rejected, with the reason.
with source as (
    select * from {{ landing_source('ingest', 'quarantine') }}
),

renamed as (
    select
        file_id,
        file_name,
        entity,
        line as line_number,
        column_name,
        value as rejected_value,
        reason,
        raw_record
    from source
)

select * from renamed
