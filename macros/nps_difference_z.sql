{#-
    z statistic of the difference between two NPS values (a minus b) on the adjusted-Wald
    estimates (macros nps_adjusted / nps_adjusted_se, independent groups):
        z = (nps'_a - nps'_b) / sqrt(se_a^2 + se_b^2)
    |z| >= var `nps_ci_z` (1.96) is significant at 5% (two-sided). The adjusted se is never
    0, so there is no division by zero; null when either group has no answers.
-#}
{% macro nps_difference_z(promoters_a, detractors_a, responses_a, promoters_b, detractors_b, responses_b) -%}
    {%- set se_a = nps_adjusted_se(promoters_a, detractors_a, responses_a) -%}
    {%- set se_b = nps_adjusted_se(promoters_b, detractors_b, responses_b) -%}
    (({{ nps_adjusted(promoters_a, detractors_a, responses_a) }})
        - ({{ nps_adjusted(promoters_b, detractors_b, responses_b) }}))
    / sqrt(({{ se_a }}) * ({{ se_a }}) + ({{ se_b }}) * ({{ se_b }}))
{%- endmacro %}
