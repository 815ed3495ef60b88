{#-
    The emotion of a contact moment: emotions are not in the CRM export, so a contact moment's
    emotion is the one of the first transactional survey answer (earliest submitted_at, then
    lowest response_id) that names its interaction_id with a known emotion label (emotion_valence
    set), whichever customer gave the answer. One rule for int_contact_moments and the contact
    moments without a customer in int_contact_moments_assessed.
    The SQL of a query: one row per contact moment of `contact_moments` (a relation or CTE with
    interaction_id) that such an answer names, with that answer's response_id, emotion,
    emotion_valence and load_seq; `responses` is fct_survey_responses.
-#}
{% macro first_emotion_answers(responses, contact_moments) -%}
    select
        response_id,
        interaction_id,
        emotion,
        emotion_valence,
        load_seq
    from (
        select
            response_id,
            interaction_id,
            emotion,
            emotion_valence,
            load_seq,
            row_number() over (
                partition by interaction_id order by submitted_at, response_id
            ) as answer_rank
        from {{ responses }}
        where
            survey_type = 'transactional'
            and emotion_valence is not null
            and interaction_id in (select named.interaction_id from {{ contact_moments }} as named)
    ) as ranked_answers
    where answer_rank = 1
{%- endmacro %}
