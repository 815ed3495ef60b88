{#-
    Bound of the 95% interval of the difference between two NPS values (a minus b), on the
    adjusted-Wald estimates of macros nps_adjusted / nps_adjusted_se (independent groups):
        diff' = nps'_a - nps'_b,  se = sqrt(se_a^2 + se_b^2),  bound = diff' -/+ z * se
    z from var `nps_ci_z`. Truncated to the scale of a difference, -200..200. Null when
    either group has no answers. direction is 'low' or 'high'. Used by every mart that
    compares two groups' NPS (touchpoint drivers, promise impact).
-#}
{% macro nps_difference_ci_bound(
    promoters_a, detractors_a, responses_a, promoters_b, detractors_b, responses_b, direction
) -%}
    {%- if direction not in ('low', 'high') -%}
        {{ exceptions.raise_compiler_error("nps_difference_ci_bound: direction must be 'low' or 'high'") }}
    {%- endif -%}
    {%- set se_a = nps_adjusted_se(promoters_a, detractors_a, responses_a) -%}
    {%- set se_b = nps_adjusted_se(promoters_b, detractors_b, responses_b) -%}
    {#- least/greatest skip nulls, so the empty-group case is handled first -#}
    case when {{ responses_a }} > 0 and {{ responses_b }} > 0 then
        {{ 'least(200.0' if direction == 'high' else 'greatest(-200.0' }},
            ({{ nps_adjusted(promoters_a, detractors_a, responses_a) }})
            - ({{ nps_adjusted(promoters_b, detractors_b, responses_b) }})
            {{ '+' if direction == 'high' else '-' }} {{ var('nps_ci_z') }}
            * sqrt(({{ se_a }}) * ({{ se_a }}) + ({{ se_b }}) * ({{ se_b }})))
    end
{%- endmacro %}
