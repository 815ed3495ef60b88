{#-
    Generic test (reconciliation): for every row of compare_model and every value of
    partition_by found in the model, the model's column summed over the rows with the same
    key equals compare_model's compare_column. E.g. for every month and dimension_name the
    NPS answers of fct_nps_by_dimension add up to fct_nps_monthly.responses: a dimension
    that lost or double-counted answers fails. Filter the model with the test's `where`
    config. Returns the keys that do not reconcile (a key missing on either side included).
-#}
{% test sums_match_per_partition(model, column_name, key, partition_by, compare_model, compare_column) %}
with model_sums as (
    select
        {{ key }} as key_value,
        {{ partition_by }} as partition_value,
        sum({{ column_name }}) as model_total
    from {{ model }}
    group by {{ key }}, {{ partition_by }}
),

partitions as (
    select distinct partition_value from model_sums
),

expected as (
    select
        compared.{{ key }} as key_value,
        partitions.partition_value,
        compared.{{ compare_column }} as expected_total
    from {{ compare_model }} as compared
    cross join partitions
)

select
    coalesce(expected.key_value, model_sums.key_value) as key_value,
    coalesce(expected.partition_value, model_sums.partition_value) as partition_value,
    expected.expected_total,
    model_sums.model_total
from expected
full outer join model_sums
    on expected.key_value = model_sums.key_value
    and expected.partition_value = model_sums.partition_value
where expected.expected_total is null
    or model_sums.model_total is null
    or expected.expected_total <> model_sums.model_total
{% endtest %}
