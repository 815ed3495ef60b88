{#-
    Bound of the adjusted-Wald 95% interval of an NPS (Rocks, 2016): add 3 pseudo-answers
    (0.75 promoter, 0.75 detractor, 1.5 passive), then a Wald interval on the adjusted shares:
        n' = n + 3,  p' = (P + 0.75) / n',  d' = (D + 0.75) / n',  nps' = p' - d'
        se = sqrt((p' + d' - nps'^2) / n'),  bound = 100 * (nps' -/+ z * se)
    It behaves at the edges where the plain Wald interval collapses (all passives, one answer,
    all promoters). The interval is centred on the adjusted estimate nps', so for a single
    promoter (NPS 100) it is [-48.5, 98.5]. Bounds are truncated to the scale, -100..100.
    `direction` is 'low' or 'high'; z comes from var `nps_ci_z` (1.96 for 95%).
-#}
{% macro nps_ci_bound(promoters, detractors, responses, direction) -%}
    {%- set n = '(cast(' ~ responses ~ ' as double) + 3.0)' -%}
    {%- set p = '((cast(' ~ promoters ~ ' as double) + 0.75) / ' ~ n ~ ')' -%}
    {%- set d = '((cast(' ~ detractors ~ ' as double) + 0.75) / ' ~ n ~ ')' -%}
    {%- set sign = '+' if direction == 'high' else '-' -%}
    {%- if direction not in ('low', 'high') -%}
        {{ exceptions.raise_compiler_error("nps_ci_bound: direction must be 'low' or 'high'") }}
    {%- endif -%}
    case when {{ responses }} > 0 then
        {{ 'least(100.0' if direction == 'high' else 'greatest(-100.0' }},
            100.0 * (({{ p }} - {{ d }}) {{ sign }} {{ var('nps_ci_z') }}
                * sqrt(({{ p }} + {{ d }} - ({{ p }} - {{ d }}) * ({{ p }} - {{ d }})) / {{ n }})))
    end
{%- endmacro %}
