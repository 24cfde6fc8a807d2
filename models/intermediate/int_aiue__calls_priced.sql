{{ config(materialized='view') }}
{#- Valid call spans priced: one join to the day's rates of their provider and model
    (int_aiue__model_rates_daily, which also names the provider the call is billed under), one
    to the day's tool rate. Each usage type (ai_unit_economics.usage_types) costs its tokens at
    its rate; an embeddings call needs no output rate. has_usage is false for a call that
    reported no token counts at all (a stream without usage): it costs 0 and is flagged.
    cost_source here is the cost before billing (gateway_reported > estimated > unpriced);
    int_aiue__calls_allocated puts the invoice on top (DESIGN.md §5). -#}
with calls as (

    select
        {{ dbt.concat(['trace_id', "'-'", 'span_id']) }} as call_id,
        trace_id,
        span_id,
        parent_span_id,
        intent_id,
        conversation_id,
        response_id,
        user_id,
        feature_tag,
        service_name,
        operation_name,
        provider_name,
        request_model,
        response_model,
        tool_name,
        status_code,
        error_type,
        prompt_version,
        prompt_name,
        reasoning_level,{{ ai_unit_economics.passthrough_list() }}
        reported_cost_currency,
        reported_cost_source,
        attempt,
        turn_index,
        reported_inference_calls,
        reported_tool_calls,
        input_tokens,
        output_tokens,
        cache_read_input_tokens,
        cache_creation_input_tokens,
        reasoning_output_tokens,
        {% for column in ai_unit_economics.modality_token_columns() -%}
        {{ column }},
        {% endfor -%}
        reported_cost,
        is_inference,
        is_tool,
        operation_name in {{ ai_unit_economics.sql_string_list(var('aiue_embeddings_operations')) }}
            as is_embeddings,
        coalesce(
            input_tokens, output_tokens, cache_read_input_tokens, cache_creation_input_tokens,
            reasoning_output_tokens
        ) is not null as has_usage,
        is_intent_id_inferred,
        cast(started_at as date) as call_date,
        started_at,
        ended_at,
        source_file,
        source_row_number,
        coalesce(provider_name, '') as telemetry_provider,
        coalesce(response_model, request_model, '') as telemetry_model,
        coalesce(tool_name, '') as rate_tool_name
    from {{ ref('int_aiue__spans_validated') }}
    where rejection_reason is null

),

model_rates as (

    select
        telemetry_provider,
        telemetry_model,
        call_date,
        provider_name,
        price_provider,
        priced_model,
        input_price_per_token,
        output_price_per_token,
        cache_read_price_per_token,
        cache_write_price_per_token,
        {% for usage in ai_unit_economics.modality_usage_types() -%}
        {{ usage.price }},
        {% endfor -%}
        has_negotiated_price
    from {{ ref('int_aiue__model_rates_daily') }}

),

tool_rates as (

    select
        tool_name as rate_tool_name,
        valid_from,
        valid_to,
        cost_per_call
    from {{ ref('stg_aiue__seed_tool_costs') }}

),

tool_keys as (

    select distinct rate_tool_name, call_date
    from calls
    where is_tool

),

matched_tool_rates as (

    {{ ai_unit_economics.effective_dated_match(
        'tool_keys', 'tool_rates', ['rate_tool_name'], 'call_date', ['cost_per_call']) }}

),

rated as (

    select
        calls.*,
        coalesce(model_rates.provider_name, calls.provider_name) as billing_provider_name,
        model_rates.price_provider,
        coalesce(calls.input_tokens, 0)
            - coalesce(calls.cache_read_input_tokens, 0)
            - coalesce(calls.cache_creation_input_tokens, 0) as uncached_input_tokens,
        model_rates.priced_model,
        model_rates.input_price_per_token,
        model_rates.output_price_per_token,
        model_rates.cache_read_price_per_token,
        model_rates.cache_write_price_per_token,
        {% for usage in ai_unit_economics.modality_usage_types() -%}
        coalesce(model_rates.{{ usage.price }}, model_rates.{{ usage.text_rate }}) as {{ usage.price }},
        case
            when model_rates.priced_model is not null and model_rates.{{ usage.price }} is null
                then true else false
        end as is_{{ usage.usage_type }}_at_text_rate,
        {% endfor -%}
        coalesce(model_rates.has_negotiated_price, false) as has_negotiated_price,
        matched_tool_rates.cost_per_call as tool_cost_per_call
    from calls
    left join model_rates
        on calls.telemetry_provider = model_rates.telemetry_provider
        and calls.telemetry_model = model_rates.telemetry_model
        and calls.call_date = model_rates.call_date
    left join matched_tool_rates
        on calls.rate_tool_name = matched_tool_rates.rate_tool_name
        and calls.call_date = matched_tool_rates.call_date

),

{#- Modality input out of uncached input, capped in usage_types() order so no part goes
    below 0 (what does not fit was read from or written to the cache, priced as cache). -#}
{%- set modality_inputs = ai_unit_economics.modality_usage_types() | selectattr('side', 'equalto', 'input') | list %}
split as (

    select
        *,
        {% for usage in modality_inputs -%}
        least(
            coalesce({{ usage.reported }}, 0),
            greatest(uncached_input_tokens{% for earlier in modality_inputs[:loop.index0] %} - coalesce({{ earlier.reported }}, 0){% endfor %}, 0)
        ) as {{ usage.tokens }},
        {% endfor -%}
        greatest(
            uncached_input_tokens{% for usage in modality_inputs %} - coalesce({{ usage.reported }}, 0){% endfor %},
            0
        ) as uncached_text_input_tokens
    from rated

),

usage_costs as (

    select
        *,
        {% for usage in ai_unit_economics.usage_types() -%}
        cast(
            case
                when not is_inference then null
                {%- if usage.side == 'output' %}
                {#- An embeddings model has no output price: its input prices the call. #}
                when is_embeddings and priced_model is not null and {{ usage.price }} is null then 0
                {%- endif %}
                else {{ ai_unit_economics.token_cost(usage.tokens, usage.price) }}
            end as {{ ai_unit_economics.type_money() }}
        ) as {{ usage.cost }},
        {% endfor -%}
        {#- Modality tokens priced at the text rate for lack of a modality price. #}
        case when is_inference then
            {%- for usage in ai_unit_economics.modality_usage_types() %}
            case when is_{{ usage.usage_type }}_at_text_rate then {{ usage.tokens }} else 0 end
            {{- " +" if not loop.last }}
            {%- endfor %}
        else 0 end as modality_tokens_at_text_rate,
        is_inference and reported_cost is not null
            and reported_cost_currency = '{{ var("aiue_reporting_currency") }}' as has_reported_cost
    from split

),

costed as (

    select
        *,
        cast(
            {{ ai_unit_economics.money_sum(ai_unit_economics.usage_types() | map(attribute='cost') | list) }}
            as {{ ai_unit_economics.type_money() }}
        ) as estimated_token_cost,
        case when is_tool then tool_cost_per_call end as estimated_tool_cost
    from usage_costs

),

final as (

    select
        call_id,
        trace_id,
        span_id,
        parent_span_id,
        intent_id,
        conversation_id,
        response_id,
        user_id,
        feature_tag,
        service_name,
        operation_name,
        billing_provider_name as provider_name,
        provider_name as telemetry_provider_name,
        price_provider,
        request_model,
        response_model,
        priced_model,
        tool_name,
        status_code,
        error_type,
        prompt_version,
        prompt_name,
        reasoning_level,{{ ai_unit_economics.passthrough_list() }}
        case
            when has_reported_cost then 'gateway_reported'
            when is_inference and estimated_token_cost is not null then 'estimated'
            when is_tool and estimated_tool_cost is not null then 'estimated'
            else 'unpriced'
        end as cost_source,
        reported_cost_currency,
        reported_cost_source,
        attempt,
        turn_index,
        reported_inference_calls,
        reported_tool_calls,
        input_tokens,
        output_tokens,
        uncached_input_tokens,
        cache_read_input_tokens,
        cache_creation_input_tokens,
        reasoning_output_tokens,
        {% for column in ai_unit_economics.modality_token_columns() -%}
        {{ column }},
        {% endfor -%}
        uncached_text_input_tokens,
        {% for usage in ai_unit_economics.modality_usage_types() if usage.side == 'input' -%}
        {{ usage.tokens }},
        {% endfor -%}
        modality_tokens_at_text_rate,
        {% for usage in ai_unit_economics.usage_types() -%}
        {{ usage.price }},
        {% endfor -%}
        {% for usage in ai_unit_economics.usage_types() -%}
        {{ usage.cost }},
        {% endfor -%}
        estimated_token_cost,
        reported_cost,
        cast(
            case
                when has_reported_cost then reported_cost
                when is_inference then coalesce(estimated_token_cost, 0)
                else 0
            end as {{ ai_unit_economics.type_money() }}
        ) as token_cost,
        cast(coalesce(estimated_tool_cost, 0) as {{ ai_unit_economics.type_money() }}) as tool_cost,
        is_inference,
        is_tool,
        has_usage,
        has_negotiated_price,
        is_intent_id_inferred,
        call_date,
        started_at,
        ended_at,
        source_file,
        source_row_number
    from costed

)

select * from final
