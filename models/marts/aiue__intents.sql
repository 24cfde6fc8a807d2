{%- set unlabeled_as_failure = var('aiue_unlabeled_as_failure') -%}

with intents as (

    select * from {{ ref('int_aiue__intents_labeled') }}

),

final as (

    select
        intent_id,
        conversation_id,
        user_id,{{ ai_unit_economics.passthrough_list() }}
        feature_tag,
        provider_name,
        response_model,
        outcome_signal,
        escalation_channel,
        case when is_labeled then 'labeled' else 'unlabeled' end as label_state,
        label_source,
        label_evaluator_type,
        '{{ var("aiue_reporting_currency") }}' as currency,
        calls,
        inference_calls,
        tool_calls,
        retry_calls,
        failed_calls,
        unpriced_calls,
        invoice_costed_calls,
        turns,
        agent_runs,
        reported_inference_calls,
        reported_tool_calls,
        is_reported_steps_mismatch,
        input_tokens,
        output_tokens,
        tokens,
        cache_read_input_tokens,
        cache_creation_input_tokens,
        reasoning_output_tokens,
        token_cost,
        retry_cost,
        tool_cost,
        escalation_cost,
        review_cost,
        cast({{ ai_unit_economics.money_sum(['escalation_cost', 'review_cost']) }} as {{ ai_unit_economics.type_money() }}) as labor_cost,
        infra_cost,
        cast({{ ai_unit_economics.money_sum(['token_cost', 'tool_cost', 'infra_cost', 'escalation_cost', 'review_cost']) }}
            as {{ ai_unit_economics.type_money() }}) as total_cost,
        allocated_cost,
        estimated_token_cost,
        estimated_retry_cost,
        cast({{ ai_unit_economics.money_sum(['estimated_token_cost', 'tool_cost', 'infra_cost', 'escalation_cost', 'review_cost']) }}
            as {{ ai_unit_economics.type_money() }})
            as estimated_total_cost,
        is_labeled,
        {% if unlabeled_as_failure -%}
        true as is_in_success_rate,
        coalesce(is_success, false) as is_success,
        {%- else -%}
        is_labeled as is_in_success_rate,
        is_success,
        {%- endif %}
        is_escalated,
        is_human_reviewed,
        is_missing_labor_rate,
        outcome_value_per_success,
        intent_date,
        first_call_at,
        last_call_at,
        labeled_at
    from intents

)

select * from final
