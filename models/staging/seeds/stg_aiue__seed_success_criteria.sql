{#- The aiue_success_criteria seed: which gen_ai.evaluation.result events are outcome labels,
    (for which gen_ai.evaluation.evaluator.type: llm_judge, deterministic, human, '*' any),
    and how a result is a success: its label in success_labels ('|'-separated, compared
    lower-cased), else its score at or above min_score. Effective-dated on the intent's day. -#}
{{ ai_unit_economics.seed_source('aiue_success_criteria') }},

cleaned as (

    select
        {{ ai_unit_economics.clean_text('feature_tag') }} as feature_tag,
        {{ ai_unit_economics.clean_text('evaluation_name') }} as evaluation_name,
        lower({{ ai_unit_economics.clean_text('evaluator_type') }}) as evaluator_type,
        lower({{ ai_unit_economics.clean_text('success_labels') }}) as raw_success_labels,
        {{ ai_unit_economics.clean_text('min_score') }} as raw_min_score,
        {{ ai_unit_economics.clean_text('valid_from') }} as raw_valid_from,
        {{ ai_unit_economics.clean_text('valid_to') }} as raw_valid_to,
        {{ ai_unit_economics.clean_text('note') }} as note
    from source

),

final as (

    select
        feature_tag,
        evaluation_name,
        evaluator_type,
        replace(replace(raw_success_labels, ' |', '|'), '| ', '|') as success_labels,
        {{ ai_unit_economics.parse_amount('raw_min_score') }} as min_score,
        {{ ai_unit_economics.parse_date('raw_valid_from') }} as valid_from,
        {{ ai_unit_economics.parse_date('raw_valid_to') }} as valid_to,
        note,
        raw_min_score,
        raw_valid_from,
        raw_valid_to
    from cleaned

)

select * from final
