{#-
    Keyed hash of a personal identifier (an e-mail address): the same person gets the same
    pseudonym across exports, but the address cannot be read back without the key
    (var `pseudonym_key`, from the env var LOYALTY_PSEUDONYM_KEY). Normalised first
    (trimmed, lower case) so that "Anna@Example.nl " and "anna@example.nl" match.
-#}
{% macro pseudonymise(expression) -%}
    {{ return(adapter.dispatch('pseudonymise', 'loyalty')(expression)) }}
{%- endmacro %}

{% macro default__pseudonymise(expression) -%}
    case when {{ expression }} is not null
        then sha256(concat('{{ var("pseudonym_key") }}', '|', lower(trim({{ expression }}))))
    end
{%- endmacro %}

{% macro spark__pseudonymise(expression) -%}
    case when {{ expression }} is not null
        then sha2(concat('{{ var("pseudonym_key") }}', '|', lower(trim({{ expression }}))), 256)
    end
{%- endmacro %}
