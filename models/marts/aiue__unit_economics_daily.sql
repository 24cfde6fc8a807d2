{#- Additive sums by day x feature x primary provider x primary model (x the pass-through
    dimensions of var aiue_span_passthrough_columns), and the metrics.
    Re-aggregate the sums (never average the ratios): see README, "Metrics".
    Billed money that landed on no call (aiue__cost_reconciliation.unallocated_cost) is added as
    rows of its bucket's day, feature, provider and model with no intents, so that
    billed_cost = allocated_cost + unallocated_cost sums to the AI part of the invoice. -#}
{%- set money = ai_unit_economics.type_money() -%}
with intents as (

    select * from {{ ref('aiue__intents') }}

),

unallocated as (

    select
        date_day,
        feature_tag,
        provider_name,
        response_model,
        currency,
        sum(unallocated_cost) as unallocated_cost
    from {{ ref('aiue__cost_reconciliation') }}
    where unallocated_cost != 0
    group by date_day, feature_tag, provider_name, response_model, currency

),

rows_in as (

    select
        intent_date as date_day,
        feature_tag,
        provider_name,
        response_model,{{ ai_unit_economics.passthrough_list(dimensions_only=true) }}
        currency,
        true as is_intent,
        is_in_success_rate,
        is_success,
        is_escalated,
        is_human_reviewed,
        is_labeled,
        calls,
        retry_calls,
        turns,
        tokens,
        token_cost,
        retry_cost,
        tool_cost,
        infra_cost,
        escalation_cost,
        review_cost,
        labor_cost,
        total_cost,
        allocated_cost,
        cast(0 as {{ money }}) as unallocated_cost,
        estimated_token_cost,
        estimated_retry_cost,
        estimated_total_cost
    from intents

    union all

    select
        date_day,
        feature_tag,
        provider_name,
        response_model,{{ ai_unit_economics.passthrough_nulls(dimensions_only=true) }}
        currency,
        false as is_intent,
        false as is_in_success_rate,
        false as is_success,
        false as is_escalated,
        false as is_human_reviewed,
        false as is_labeled,
        0 as calls,
        0 as retry_calls,
        0 as turns,
        0 as tokens,
        {% for column in ['token_cost', 'retry_cost', 'tool_cost', 'infra_cost', 'escalation_cost',
            'review_cost', 'labor_cost', 'total_cost', 'allocated_cost'] -%}
        cast(0 as {{ money }}) as {{ column }},
        {% endfor -%}
        cast(unallocated_cost as {{ money }}) as unallocated_cost,
        cast(0 as {{ money }}) as estimated_token_cost,
        cast(0 as {{ money }}) as estimated_retry_cost,
        cast(0 as {{ money }}) as estimated_total_cost
    from unallocated

),

sums as (

    select
        date_day,
        feature_tag,
        provider_name,
        response_model,{{ ai_unit_economics.passthrough_list(dimensions_only=true) }}
        currency,
        sum(case when is_intent then 1 else 0 end) as intents,
        sum(case when is_in_success_rate then 1 else 0 end) as labeled_intents,
        sum(case when is_in_success_rate and is_success then 1 else 0 end) as successful_intents,
        sum(case when is_in_success_rate and is_escalated then 1 else 0 end) as escalated_intents,
        sum(case when is_in_success_rate and is_human_reviewed then 1 else 0 end) as reviewed_intents,
        sum(case when is_intent and not is_labeled then 1 else 0 end) as unlabeled_intents,
        sum(calls) as calls,
        sum(retry_calls) as retry_calls,
        sum(turns) as turns,
        sum(tokens) as tokens,
        sum(token_cost) as token_cost,
        sum(retry_cost) as retry_cost,
        sum(tool_cost) as tool_cost,
        sum(infra_cost) as infra_cost,
        sum(escalation_cost) as escalation_cost,
        sum(review_cost) as review_cost,
        sum(labor_cost) as labor_cost,
        sum(total_cost) as total_cost,
        sum(case when is_in_success_rate then total_cost else 0 end) as labeled_total_cost,
        sum(case when is_in_success_rate and is_success then total_cost else 0 end) as successful_total_cost,
        sum(cast(total_cost as {{ ai_unit_economics.type_double() }})
            * cast(total_cost as {{ ai_unit_economics.type_double() }})) as total_cost_squared,
        sum(case when is_in_success_rate
            then cast(total_cost as {{ ai_unit_economics.type_double() }})
                * cast(total_cost as {{ ai_unit_economics.type_double() }})
            else 0 end) as labeled_total_cost_squared,
        sum(allocated_cost) as allocated_cost,
        sum(unallocated_cost) as unallocated_cost,
        sum({{ ai_unit_economics.money_sum(['allocated_cost', 'unallocated_cost']) }}) as billed_cost,
        sum(estimated_token_cost) as estimated_token_cost,
        sum(estimated_retry_cost) as estimated_retry_cost,
        sum(estimated_total_cost) as estimated_total_cost,
        sum(case when is_in_success_rate then estimated_total_cost else 0 end) as estimated_labeled_total_cost,
        sum(case when is_in_success_rate and is_success then estimated_total_cost else 0 end)
            as estimated_successful_total_cost,
        sum(cast(estimated_total_cost as {{ ai_unit_economics.type_double() }})
            * cast(estimated_total_cost as {{ ai_unit_economics.type_double() }})) as estimated_total_cost_squared,
        sum(case when is_in_success_rate
            then cast(estimated_total_cost as {{ ai_unit_economics.type_double() }})
                * cast(estimated_total_cost as {{ ai_unit_economics.type_double() }})
            else 0 end) as estimated_labeled_total_cost_squared
    from rows_in
    group by
        date_day, feature_tag, provider_name, response_model,{{ ai_unit_economics.passthrough_list(dimensions_only=true) }}
        currency

),

final as (

    select
        {{ dbt.concat([
            'cast(date_day as ' ~ dbt.type_string() ~ ')',
            "'|'", "coalesce(feature_tag, '')",
            "'|'", "coalesce(provider_name, '')",
            "'|'", "coalesce(response_model, '')"] + ai_unit_economics.passthrough_key_parts()) }}
            as unit_economics_daily_id,
        *,
        {{ ai_unit_economics.unit_economics_metrics() }}
    from sums

)

select * from final
