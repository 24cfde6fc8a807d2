with spans as (

    select * from {{ ref('int_aiue__spans_validated') }}
    where rejection_reason is not null

),

final as (

    select
        trace_id,
        span_id,
        intent_id,
        operation_name,
        span_name,
        rejection_kind,
        rejection_rule,
        rejection_reason,
        raw_start_time,
        raw_end_time,
        raw_status_code,
        raw_input_tokens,
        raw_output_tokens,
        raw_cache_read_input_tokens,
        raw_cache_creation_input_tokens,
        raw_reasoning_output_tokens,
        raw_attempt,
        raw_turn_index,
        raw_reported_cost,
        source_layout,
        source_file,
        source_row_number
    from spans

)

select * from final
