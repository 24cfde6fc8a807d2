with calls as (

    select * from {{ ref('int_aiue__calls_priced') }}

),

final as (

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
        cost_source,
        '{{ var("aiue_reporting_currency") }}' as currency,
        attempt,
        turn_index,
        coalesce(input_tokens, 0) as input_tokens,
        coalesce(output_tokens, 0) as output_tokens,
        coalesce(input_tokens, 0) + coalesce(output_tokens, 0) as tokens,
        uncached_input_tokens,
        coalesce(cache_read_input_tokens, 0) as cache_read_input_tokens,
        coalesce(cache_creation_input_tokens, 0) as cache_creation_input_tokens,
        coalesce(reasoning_output_tokens, 0) as reasoning_output_tokens,
        input_price_per_token,
        output_price_per_token,
        cache_read_price_per_token,
        cache_write_price_per_token,
        estimated_token_cost,
        reported_cost,
        reported_cost_currency,
        token_cost,
        tool_cost,
        cast(token_cost + tool_cost as {{ ai_unit_economics.type_money() }}) as cost,
        is_inference,
        is_tool,
        coalesce(attempt, 1) > 1 as is_retry,
        status_code = 'ERROR' as is_error,
        cost_source = 'unpriced' as is_unpriced,
        is_intent_id_inferred,
        call_date,
        started_at,
        ended_at,
        source_file,
        source_row_number
    from calls

)

select * from final
