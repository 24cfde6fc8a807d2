{#- Calls rolled up to their intent: counts, tokens, costs, first call and primary model. -#}
with calls as (

    select * from {{ ref('aiue__llm_calls') }}

),

model_costs as (

    select
        intent_id,
        provider_name,
        coalesce(response_model, request_model) as response_model,
        sum(token_cost) as model_token_cost
    from calls
    where is_inference
    group by intent_id, provider_name, coalesce(response_model, request_model)

),

agent_runs as (

    select * from {{ ref('int_aiue__agent_runs_aggregated') }}

),

primary_models as (

    select intent_id, provider_name, response_model
    from (
        select
            *,
            row_number() over (
                partition by intent_id
                order by model_token_cost desc, response_model nulls last, provider_name nulls last
            ) as model_rank
        from model_costs
    ) as ranked_models
    where model_rank = 1

),

{#- One hash aggregate per intent. Its first call's attributes are picked in it (no sort of
    every call): first by start time, then span and trace id, which are unique. -#}
rollup as (

    {%- set first = ['started_at', 'span_id', 'trace_id'] %}
    select
        intent_id,
        {% for column in ['feature_tag', 'conversation_id', 'user_id'] + ai_unit_economics.passthrough_column_names() -%}
        {{ ai_unit_economics.arg_min(column, first) }} as {{ column }},
        {% endfor -%}
        {{ ai_unit_economics.arg_min('call_date', first) }} as intent_date,
        count(*) as calls,
        sum(case when is_inference then 1 else 0 end) as inference_calls,
        sum(case when is_tool then 1 else 0 end) as tool_calls,
        sum(case when attempt > 1 then 1 else 0 end) as retry_calls,
        sum(case when status_code = 'ERROR' then 1 else 0 end) as failed_calls,
        sum(case when cost_source = 'unpriced' then 1 else 0 end) as unpriced_calls,
        sum(case when cost_source in ('invoice_exact', 'invoice_share') then 1 else 0 end) as invoice_costed_calls,
        greatest(count(distinct turn_index), 1) as turns,
        sum(case when is_inference then coalesce(input_tokens, 0) else 0 end) as input_tokens,
        sum(case when is_inference then coalesce(output_tokens, 0) else 0 end) as output_tokens,
        sum(case when is_inference then coalesce(cache_read_input_tokens, 0) else 0 end) as cache_read_input_tokens,
        sum(case when is_inference then coalesce(cache_creation_input_tokens, 0) else 0 end) as cache_creation_input_tokens,
        sum(case when is_inference then coalesce(reasoning_output_tokens, 0) else 0 end) as reasoning_output_tokens,
        sum(token_cost) as token_cost,
        sum(tool_cost) as tool_cost,
        sum(case when attempt > 1 or status_code = 'ERROR' then token_cost else 0 end) as retry_cost,
        sum(infra_cost) as infra_cost,
        sum(allocated_cost) as allocated_cost,
        sum(estimated_cost) as estimated_token_cost,
        sum(case when attempt > 1 or status_code = 'ERROR' then estimated_cost else 0 end) as estimated_retry_cost,
        min(started_at) as first_call_at,
        max(coalesce(ended_at, started_at)) as last_call_at
    from calls
    group by intent_id

),

final as (

    select
        rollup.intent_id,
        rollup.conversation_id,
        rollup.user_id,{{ ai_unit_economics.passthrough_list('rollup.') }}
        rollup.feature_tag,
        primary_models.provider_name,
        primary_models.response_model,
        rollup.calls,
        rollup.inference_calls,
        rollup.tool_calls,
        rollup.retry_calls,
        rollup.failed_calls,
        rollup.unpriced_calls,
        rollup.invoice_costed_calls,
        rollup.turns,
        coalesce(agent_runs.agent_runs, 0) as agent_runs,
        agent_runs.reported_inference_calls,
        agent_runs.reported_tool_calls,
        {#- Null when the runs reported neither count; else whether a reported count differs from
            the calls counted here (a span lost on the way, or a framework counting retries). #}
        case
            when agent_runs.reported_inference_calls is null and agent_runs.reported_tool_calls is null then null
            else coalesce(agent_runs.reported_inference_calls <> rollup.inference_calls, false)
                or coalesce(agent_runs.reported_tool_calls <> rollup.tool_calls, false)
        end as is_reported_steps_mismatch,
        rollup.input_tokens,
        rollup.output_tokens,
        rollup.input_tokens + rollup.output_tokens as tokens,
        rollup.cache_read_input_tokens,
        rollup.cache_creation_input_tokens,
        rollup.reasoning_output_tokens,
        rollup.token_cost,
        rollup.tool_cost,
        rollup.retry_cost,
        rollup.infra_cost,
        rollup.allocated_cost,
        rollup.estimated_token_cost,
        rollup.estimated_retry_cost,
        rollup.intent_date,
        rollup.first_call_at,
        rollup.last_call_at
    from rollup
    left join primary_models
        on rollup.intent_id = primary_models.intent_id
    left join agent_runs
        on rollup.intent_id = agent_runs.intent_id

)

select * from final
