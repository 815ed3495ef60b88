{#-
    The load watermark of an incremental model: the largest load sequence it holds
    (max(column) of the built table), as a literal, so the filter `load_seq > <watermark>`
    reaches the Parquet scan (whole files of earlier loads are skipped by their statistics).
    0 before the first build or when the table is empty. Read at run time with run_query.

    `versions` is the relation the model reads its versions from (the landing, or a view over
    it) and `versions_column` its load sequence column. Before returning the watermark the
    macro checks that the landing still holds what the model has counted: sum(versions_delivered)
    of the model must equal the number of versions in `versions` with a load sequence <= the
    watermark. That holds after every build (each landed version up to the watermark is counted
    once, in the row of its key), so a difference means the landing was wiped and re-ingested
    (load_seq restarted) or files were removed: a batch read above the watermark would silently
    skip or keep rows, so the build stops with an error that says to rebuild with
    --full-refresh. Cost: one scan of two columns of the model and a count of one integer
    column of the landing whose filter the Parquet statistics prune. Call it only where the
    model reads a batch (incremental_batch_only()): a full build needs no watermark and no check.
-#}
{% macro load_watermark(relation, versions, versions_column='_load_seq', column='load_seq') -%}
    {%- if not execute -%}
        {{ return(0) }}
    {%- endif -%}
    {%- set built = run_query(
        'select max(' ~ column ~ '), sum(versions_delivered) from ' ~ relation
    ).rows[0] -%}
    {%- set watermark = built[0] if built[0] is not none else 0 -%}
    {%- set counted = (built[1] if built[1] is not none else 0) | int -%}
    {%- set landed = run_query(
        'select count(' ~ versions_column ~ ') from ' ~ versions
        ~ ' where ' ~ versions_column ~ ' <= ' ~ watermark
    ).columns[0].values()[0] | int -%}
    {%- if counted != landed -%}
        {{ exceptions.raise_compiler_error(
            'Incremental model ' ~ model.name ~ ' no longer matches its landing: it counts '
            ~ counted ~ ' delivered versions up to load_seq ' ~ watermark
            ~ ' (sum of versions_delivered), but the landing now holds ' ~ landed
            ~ ' versions with load_seq <= ' ~ watermark ~ '. The landing was wiped and'
            ~ ' re-ingested or files were removed, so an incremental build would silently skip'
            ~ ' or keep rows. Rebuild it: run `dbt build --full-refresh` (or `dbt build'
            ~ ' --full-refresh --select ' ~ model.name ~ '+`).'
        ) }}
    {%- endif -%}
    {{ return(watermark) }}
{%- endmacro %}
