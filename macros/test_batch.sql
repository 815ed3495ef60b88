{#-
    Batch-scoped data tests for daily builds. With LOYALTY_TEST_SCOPE=batch (the daily Dagster
    schedule and the benchmark's incremental day set it; `dbt build` by hand and the weekly
    schedule test everything), the row-by-row tests (not_null, unique, accepted_values,
    accepted_range, relationships, expression_is_true, unique_combination_of_columns) of an
    incremental model read only the rows this build wrote:
    - a model kept by load_seq (latest_delivery staging, fct_survey_responses): rows with a
      load_seq above the model's watermark when the run started;
    - a customer-scoped model (config customer_batch): the rows of the customers with
      upstream rows above those watermarks (the rebuilt customers; one a re-delivery moved a
      row away from is rebuilt too, but not tested until the weekly run).
    Tables rebuilt whole (the as-of marts, aggregates) and tests that compare sets (sums,
    orderings, singular tests) always read every row. A unique test of a batch finds
    duplicates within the batch; the weekly full run finds any others.

    record_test_batch() runs on-run-start of a `dbt build` or `dbt run`: it stores each
    load_seq model's watermark in ops.test_batch_watermarks (not on a --full-refresh, where
    every row is new, nor on Spark). A later `dbt test` keeps them, so it tests the last
    build's batch. test_batch_filter(relation) reads them when a test is compiled; a model
    without a recorded watermark is tested whole, never skipped.
-#}
{% macro test_scope() -%}
    {%- set scope = env_var('LOYALTY_TEST_SCOPE', 'all') -%}
    {%- if scope not in ('all', 'batch') -%}
        {{ exceptions.raise_compiler_error(
            'LOYALTY_TEST_SCOPE must be all or batch, not ' ~ scope
        ) }}
    {%- endif -%}
    {{ return(scope) }}
{%- endmacro %}

{% macro batch_scoped_models() -%}
    {%- set found = [] -%}
    {%- for node in graph.nodes.values() -%}
        {%- if node.resource_type == 'model'
            and node.config.materialized == 'incremental'
            and not node.config.get('customer_batch')
            and 'load_seq' in node.columns -%}
            {%- do found.append(node) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(found) }}
{%- endmacro %}

{% macro record_test_batch() -%}
    {{ return(adapter.dispatch('record_test_batch', 'loyalty')()) }}
{%- endmacro %}

{% macro default__record_test_batch() -%}
    {%- if not execute or flags.WHICH not in ('build', 'run') -%}
        {{ return('') }}
    {%- endif -%}
    {%- if test_scope() != 'batch' or flags.FULL_REFRESH -%}
        {#- a stale record must not scope a later `dbt test` -#}
        {%- set stale = adapter.get_relation(target.database, 'ops', 'test_batch_watermarks') -%}
        {{ return('drop table ' ~ stale if stale is not none else '') }}
    {%- endif -%}
    {%- set selects = [] -%}
    {%- for node in batch_scoped_models() -%}
        {%- set relation = adapter.get_relation(node.database, node.schema, node.alias) -%}
        {%- if relation is not none -%}
            {%- do selects.append(
                "select '" ~ node.name ~ "' as model_name, max(load_seq) as watermark from " ~ relation
            ) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if not selects -%}
        {%- do selects.append(
            'select cast(null as varchar) as model_name, cast(null as bigint) as watermark limit 0'
        ) -%}
    {%- endif -%}
    create schema if not exists ops;
    create or replace table ops.test_batch_watermarks as
    {{ selects | join('\nunion all\n') }}
{%- endmacro %}

{% macro spark__record_test_batch() -%}
    {{ return('') }}
{%- endmacro %}

{#- watermark per model name recorded at the start of this run ({} when tests read everything) -#}
{% macro recorded_test_batch() -%}
    {%- if not execute or test_scope() != 'batch' or flags.FULL_REFRESH
        or target.type == 'spark' -%}
        {{ return({}) }}
    {%- endif -%}
    {%- set found = adapter.get_relation(target.database, 'ops', 'test_batch_watermarks') -%}
    {%- if found is none -%}
        {{ return({}) }}
    {%- endif -%}
    {%- set recorded = {} -%}
    {%- for row in run_query('select model_name, watermark from ops.test_batch_watermarks').rows -%}
        {%- if row[1] is not none -%}
            {%- do recorded.update({row[0]: row[1]}) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(recorded) }}
{%- endmacro %}

{#- the condition that limits a test of `relation` to this build's batch; none = every row -#}
{% macro test_batch_filter(relation) -%}
    {%- set row_tests = [
        'not_null', 'unique', 'accepted_values', 'accepted_range', 'relationships',
        'expression_is_true', 'unique_combination_of_columns',
    ] -%}
    {%- set test_name = (model.get('test_metadata') or {}).get('name') -%}
    {%- if test_name not in row_tests -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set recorded = recorded_test_batch() -%}
    {%- if not recorded -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set tested = none -%}
    {%- for node in graph.nodes.values() -%}
        {%- if node.resource_type == 'model' and node.alias == relation.identifier
            and node.schema == relation.schema -%}
            {%- set tested = node -%}
            {%- if tested.name in recorded -%}
                {{ return('load_seq > ' ~ recorded[tested.name]) }}
            {%- endif -%}
            {%- set parts = tested.config.get('customer_batch') or [] -%}
            {%- set batches = [] -%}
            {%- for part in parts -%}
                {%- if part.ref not in recorded -%}
                    {{ return(none) }}
                {%- endif -%}
                {#- the upstream by its node, not ref(): a test may only ref what it depends on -#}
                {%- for upstream in graph.nodes.values()
                    if upstream.resource_type == 'model' and upstream.name == part.ref -%}
                    {%- set upstream_relation = api.Relation.create(
                        database=upstream.database, schema=upstream.schema, identifier=upstream.alias
                    ) -%}
                    {%- do batches.append(
                        'select customer_id from ' ~ upstream_relation
                        ~ ' where load_seq > ' ~ recorded[part.ref]
                    ) -%}
                {%- endfor -%}
            {%- endfor -%}
            {%- if batches -%}
                {{ return('customer_id in (' ~ batches | join(' union ') ~ ')') }}
            {%- endif -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(none) }}
{%- endmacro %}

{#- dbt's get_where_subquery (wraps the model a generic test reads), plus the batch filter -#}
{% macro default__get_where_subquery(relation) -%}
    {%- set conditions = [] -%}
    {%- set where = config.get('where', '') -%}
    {%- if where -%}
        {%- do conditions.append('(' ~ where ~ ')') -%}
    {%- endif -%}
    {%- set batch = test_batch_filter(relation) -%}
    {%- if batch -%}
        {%- do conditions.append('(' ~ batch ~ ')') -%}
    {%- endif -%}
    {%- if conditions -%}
        {%- set filtered -%}
            (select * from {{ relation }} where {{ conditions | join(' and ') }}) dbt_subquery
        {%- endset -%}
        {%- do return(filtered) -%}
    {%- else -%}
        {%- do return(relation) -%}
    {%- endif -%}
{%- endmacro %}
