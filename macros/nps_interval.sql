{#-
    The adjusted-Wald estimate of an NPS and its interval (Rocks, 2016): add 3 pseudo-answers
    (0.75 promoter, 0.75 detractor, 1.5 passive), then a Wald interval on the adjusted shares:
        n' = n + 3,  p' = (P + 0.75) / n',  d' = (D + 0.75) / n',  nps' = p' - d'
        se = sqrt((p' + d' - nps'^2) / n'),  bound = 100 * (nps' -/+ z * se)
    It behaves at the edges where the plain Wald interval collapses (all passives, one answer,
    all promoters). The interval is centred on the adjusted estimate nps', so for a single
    promoter (NPS 100) it is [-48.5, 98.5]. Bounds are truncated to the scale, -100..100.

    nps_adjusted and nps_adjusted_se give nps' and se in NPS points (x 100): use them to
    compare two NPS values (a change is significant when
    |nps'_a - nps'_b| / sqrt(se_a^2 + se_b^2) >= 1.96).
-#}
{% macro _nps_adjusted_terms(promoters, detractors, responses) -%}
    {%- set n = '(cast(' ~ responses ~ ' as double) + 3.0)' -%}
    {{ return({
        'n': n,
        'p': '((cast(' ~ promoters ~ ' as double) + 0.75) / ' ~ n ~ ')',
        'd': '((cast(' ~ detractors ~ ' as double) + 0.75) / ' ~ n ~ ')',
    }) }}
{%- endmacro %}

{% macro nps_adjusted(promoters, detractors, responses) -%}
    {%- set t = _nps_adjusted_terms(promoters, detractors, responses) -%}
    case when {{ responses }} > 0 then 100.0 * ({{ t.p }} - {{ t.d }}) end
{%- endmacro %}

{% macro nps_adjusted_se(promoters, detractors, responses) -%}
    {%- set t = _nps_adjusted_terms(promoters, detractors, responses) -%}
    case when {{ responses }} > 0 then
        100.0 * sqrt(({{ t.p }} + {{ t.d }} - ({{ t.p }} - {{ t.d }}) * ({{ t.p }} - {{ t.d }})) / {{ t.n }})
    end
{%- endmacro %}

{#- direction is 'low' or 'high'; z comes from var `nps_ci_z` (1.96 for 95%). -#}
{% macro nps_ci_bound(promoters, detractors, responses, direction) -%}
    {%- if direction not in ('low', 'high') -%}
        {{ exceptions.raise_compiler_error("nps_ci_bound: direction must be 'low' or 'high'") }}
    {%- endif -%}
    {%- set t = _nps_adjusted_terms(promoters, detractors, responses) -%}
    {%- set sign = '+' if direction == 'high' else '-' -%}
    case when {{ responses }} > 0 then
        {{ 'least(100.0' if direction == 'high' else 'greatest(-100.0' }},
            100.0 * (({{ t.p }} - {{ t.d }}) {{ sign }} {{ var('nps_ci_z') }}
                * sqrt(({{ t.p }} + {{ t.d }} - ({{ t.p }} - {{ t.d }}) * ({{ t.p }} - {{ t.d }})) / {{ t.n }})))
    end
{%- endmacro %}
