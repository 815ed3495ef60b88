{#-
    Peak of a set of emotion valences (-3..3), as an aggregate: the most extreme value by
    absolute size; on a tie (-2 and +2) the negative one wins, because a bad moment weighs
    more than an equally good one (the peak-end rule). Null when no valence is observed.
    -min >= max means the most negative value is at least as extreme as the most positive.
    Used by the journey mart (peak of a journey) and the touchpoint drivers (experience at
    one touchpoint), so both apply the same rule.
-#}
{% macro peak_valence(valence) -%}
    case
        when -1 * min({{ valence }}) >= max({{ valence }}) then min({{ valence }})
        else max({{ valence }})
    end
{%- endmacro %}
