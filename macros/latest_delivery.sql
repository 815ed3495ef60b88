{#-
    The latest delivered version of each record of a landing table. Exports are delivered
    again over time (daily files, corrections); the version from the file loaded last wins,
    and within one file the last record. Returns every landing column of that version plus
    `versions_delivered` (how many versions of the key arrived, bigint), so re-deliveries stay
    visible downstream, and `load_seq` (the _load_seq of the chosen version, bigint: the
    watermark column of an incremental model).

    incremental=true is for an incremental model (unique_key = key, strategy
    incremental_strategy()): when incremental_batch_only() is true (a DuckDB incremental run)
    only the versions loaded after the model's watermark are read (`_load_seq > <literal>`,
    which reaches the Parquet scan), the latest of each key in that batch is returned and its
    versions_delivered adds the batch's versions to the count of the key's row already in the
    model (left join {{ this }}); delete+insert on the key then replaces the row. Before that,
    load_watermark checks that the landing still holds every version the model counted (else
    a clear error asks for --full-refresh). Otherwise
    (Spark's insert_overwrite, a first build, --full-refresh) every version is read: the same
    rows as a full build. The key must keep its landing name in the model.
-#}
{% macro latest_delivery(landing_relation, key, incremental=false) -%}
    {%- set batch_only = incremental and incremental_batch_only() -%}
    select
        versions.*,
        {%- if batch_only %}
            cast(versions.new_versions + coalesce(previous.versions_delivered, 0) as bigint)
                as versions_delivered,
        {%- else %}
            cast(versions.new_versions as bigint) as versions_delivered,
        {%- endif %}
        cast(versions._load_seq as bigint) as load_seq
    from (
        select
            *,
            row_number() over (
                partition by {{ key }} order by _load_seq desc, _record desc
            ) as version_rank,
            count(*) over (partition by {{ key }}) as new_versions
        from {{ landing_relation }}
        {%- if batch_only %}
            where _load_seq > {{ load_watermark(this, versions=landing_relation) }}
        {%- endif %}
    ) as versions
    {%- if batch_only %}
        left join {{ this }} as previous
            on versions.{{ key }} = previous.{{ key }}
    {%- endif %}
    where versions.version_rank = 1
{%- endmacro %}
