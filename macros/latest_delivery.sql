{#-
    The latest delivered version of each record of a landing table. Exports are delivered
    again over time (daily files, corrections); the version from the file loaded last wins,
    and within one file the last record. Adds `versions_delivered` (how many versions
    of the key arrived), so re-deliveries stay visible downstream.
-#}
{% macro latest_delivery(landing_relation, key) -%}
    select * from (
        select
            *,
            row_number() over (
                partition by {{ key }} order by _load_seq desc, _record desc
            ) as version_rank,
            count(*) over (partition by {{ key }}) as versions_delivered
        from {{ landing_relation }}
    ) as versions
    where version_rank = 1
{%- endmacro %}
