{#-
    Customer-scoped incremental models: a model whose rows of one customer depend only on that
    customer's answers, contact moments, orders ... is rebuilt, on an incremental run, for the
    customers that something new was delivered for, and left alone for everyone else.

    customer_batch(parts) is the SQL of that set of customer_ids (a query, for `in (...)`).
    The parts are the model's config `customer_batch`, one per upstream model with a
    `load_seq` (the incremental staging models and fct_survey_responses):
        {'ref': '<model name>', 'column': '<column of this model holding its load_seq>',
         'keys': [['<column of this model>', '<key of the upstream model>'], ...]}
    A customer is in the batch when the upstream table holds a row of the customer with a
    load_seq above the model's watermark for it (max(column) of the model: every upstream row
    up to it has been processed, because each build processes every row above the previous
    one). `keys` catches a row that moved: a re-delivered record that now names another
    customer (or no longer qualifies) is found by its key in the model's own rows, so the
    customer it left is rebuilt too.

    Optional `versions` (for a model without the upstream's key, e.g. one row per customer):
        'versions': {'ref': '<relation of every delivered version>', 'key': '<upstream key>'}
        or {'landing': ['<source>', '<table>'], 'key': ...} (read with landing_source)
    holds every delivered version of the upstream's rows with the key, customer_id and the
    load sequence (column `load_seq` of a ref, `_load_seq` of the landing; option
    'load_seq' names another). For each row of the upstream above the watermark, the
    customers of the EARLIER versions of its key are added to the batch: a re-delivery that
    moved a row from customer A to B rebuilds A as well as B. Without `versions` (and
    `keys`) nothing changes.

    The watermarks are scalar subqueries of the model's table. The set is computed ONCE per
    build of the model: write_customer_batch(), a pre-hook of every model (dbt_project.yml; it
    renders nothing unless the model has config customer_batch and builds incrementally),
    writes it to a temporary table of the model's connection before the model's select runs.
    The model's filter (in_customer_batch) and the delete of strategy customer_batch (below),
    which removes every row of the batch's customers, also of those left with no rows, and
    inserts the rebuilt ones, both read that table, so they see the same batch; the strategy
    drops it at the end. (Computed in every import CTE and again in the delete, the set cost
    more than the rows it saved at 1 M answers.) The model's rows must carry customer_id.

    customer_batch_strategy(): customer_batch on DuckDB and engines with delete; Spark's
    insert_overwrite rewrites the whole table (incremental_batch_only() is false there, so the
    model selects every row).
-#}
{% macro customer_batch(parts) -%}
    {%- for part in parts %}
        {%- set upstream = ref(part.ref) %}
        {%- set watermark -%}
            (select coalesce(max({{ part.column }}), 0) from {{ this }})
        {%- endset %}
        {%- if not loop.first %}
            union
        {% endif %}
        select customer_id from {{ upstream }}
        where load_seq > {{ watermark }}
        {%- for this_key, upstream_key in part.get('keys', []) %}
            union
            select previous.customer_id
            from {{ this }} as previous
            inner join {{ upstream }} as delivered
                on previous.{{ this_key }} = delivered.{{ upstream_key }}
            where delivered.load_seq > {{ watermark }}
        {%- endfor %}
        {%- if part.get('versions') %}
            {%- set versions = part.versions %}
            {%- if versions.get('ref') %}
                {%- set version_relation = ref(versions.ref) %}
                {%- set version_seq = versions.get('load_seq', 'load_seq') %}
            {%- else %}
                {%- set version_relation = landing_source(versions.landing[0], versions.landing[1]) %}
                {%- set version_seq = versions.get('load_seq', '_load_seq') %}
            {%- endif %}
            union
            select earlier.customer_id
            from {{ version_relation }} as earlier
            inner join {{ upstream }} as delivered
                on earlier.{{ versions.key }} = delivered.{{ versions.key }}
            where
                delivered.load_seq > {{ watermark }}
                and earlier.{{ version_seq }} < delivered.load_seq
                and earlier.customer_id is not null
        {%- endif %}
    {%- endfor %}
{%- endmacro %}

{#- The temporary table holding the batch's customer_ids during the build of this model. -#}
{% macro customer_batch_relation() -%}
    {{ return(api.Relation.create(
        database='temp', schema='main', identifier=this.identifier ~ '__customer_batch', type='table'
    )) }}
{%- endmacro %}

{#-
    Pre-hook of every model (dbt_project.yml): on an incremental build of a customer-scoped
    model, write the batch's customer_ids once; otherwise render nothing (dbt skips the hook).
-#}
{% macro write_customer_batch() -%}
    {%- set parts = config.get('customer_batch') -%}
    {%- if parts and config.get('materialized') == 'incremental' and incremental_batch_only() -%}
        create or replace temporary table {{ customer_batch_relation() }} as
        {{ customer_batch(parts) }}
    {%- endif -%}
{%- endmacro %}

{#- The rows of a customer-scoped model to read: all of them, or those of the batch's customers. -#}
{% macro in_customer_batch(column) -%}
    {%- if incremental_batch_only() -%}
        {{ column }} in (select customer_id from {{ customer_batch_relation() }})
    {%- else -%}
        true
    {%- endif -%}
{%- endmacro %}

{% macro customer_batch_strategy() -%}
    {{ return(adapter.dispatch('customer_batch_strategy', 'loyalty')()) }}
{%- endmacro %}

{% macro default__customer_batch_strategy() -%}
    {{ return('customer_batch') }}
{%- endmacro %}

{% macro spark__customer_batch_strategy() -%}
    {{ return('insert_overwrite') }}
{%- endmacro %}

{#-
    Incremental strategy customer_batch (found by dbt as get_incremental_<strategy>_sql):
    delete every row of the batch's customers (the table write_customer_batch wrote before the
    model's select), also of those left with no rows, insert the build's rows, drop the batch.
-#}
{% macro get_incremental_customer_batch_sql(arg_dict) -%}
    {%- set parts = config.get('customer_batch') -%}
    {%- if not parts -%}
        {{ exceptions.raise_compiler_error(
            'incremental_strategy customer_batch needs config customer_batch (its upstream parts)'
        ) }}
    {%- endif -%}
    {%- set columns = get_quoted_csv(arg_dict['dest_columns'] | map(attribute='name')) -%}
    delete from {{ arg_dict['target_relation'] }}
    where customer_id in (select customer_id from {{ customer_batch_relation() }});

    insert into {{ arg_dict['target_relation'] }} ({{ columns }})
    select {{ columns }} from {{ arg_dict['temp_relation'] }};

    drop table if exists {{ customer_batch_relation() }}
{%- endmacro %}
