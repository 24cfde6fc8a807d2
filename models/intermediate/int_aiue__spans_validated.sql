{#- Every staged span with the first reason it cannot be a call (null when it can).
    'invalid' rows are bad input; 'not_a_call' rows (agent, workflow spans) are valid
    but repeat their children's tokens, so counting them would double count. -#}
{%- set counts = ['input_tokens', 'output_tokens', 'cache_read_input_tokens',
    'cache_creation_input_tokens', 'reasoning_output_tokens', 'attempt', 'turn_index'] -%}
{%- set call_operations = var('aiue_inference_operations') + var('aiue_tool_operations') -%}

with spans as (

    select * from {{ ref('stg_aiue__otel_spans') }}

),

numbered as (

    select
        *,
        row_number() over (
            partition by trace_id, span_id
            order by source_row_number nulls last, started_at, ended_at nulls last, response_id nulls last
        ) as occurrence,
        min(source_row_number) over (partition by trace_id, span_id) as first_source_row_number
    from spans

),

checked as (

    select
        *,
        case
            when span_id is null then 'span_id is missing'
            when trace_id is null then 'trace_id is missing'
            when raw_start_time is null then 'start_time is missing'
            when started_at is null
                then {{ dbt.concat(["'start_time is not an ISO-8601 UTC timestamp: '", 'raw_start_time']) }}
            when raw_end_time is not null and ended_at is null
                then {{ dbt.concat(["'end_time is not an ISO-8601 UTC timestamp: '", 'raw_end_time']) }}
            when status_code is null
                then {{ dbt.concat(["'status_code is not OK, ERROR, UNSET or 0/1/2: '", 'raw_status_code']) }}
            {%- for column in counts %}
            when raw_{{ column }} is not null and {{ column }} is null
                then {{ dbt.concat(["'" ~ column ~ " is not a non-negative whole number: '", 'raw_' ~ column]) }}
            {%- endfor %}
            when raw_reported_cost is not null and reported_cost is null
                then {{ dbt.concat(["'reported_cost is not a number: '", 'raw_reported_cost']) }}
            when coalesce(cache_read_input_tokens, 0) + coalesce(cache_creation_input_tokens, 0)
                > coalesce(input_tokens, 0)
                then 'cache_read_input_tokens + cache_creation_input_tokens exceed input_tokens (input_tokens must include cached input, as OTel defines it)'
            when coalesce(reasoning_output_tokens, 0) > coalesce(output_tokens, 0)
                then 'reasoning_output_tokens exceed output_tokens (output_tokens must include reasoning)'
            when occurrence > 1
                then 'duplicate span: this trace_id and span_id appeared earlier in the input'
            when operation_name is null or operation_name not in {{ ai_unit_economics.sql_string_list(call_operations) }}
                then {{ dbt.concat(["'not a call span (operation '", "coalesce(operation_name, 'unknown')", "'): agent and workflow spans repeat the tokens of their children'"]) }}
        end as rejection_reason
    from numbered

),

final as (

    select
        *,
        case
            when rejection_reason is null then null
            when rejection_reason like 'not a call span%' then 'not_a_call'
            else 'invalid'
        end as rejection_kind,
        operation_name in {{ ai_unit_economics.sql_string_list(var('aiue_inference_operations')) }} as is_inference,
        operation_name in {{ ai_unit_economics.sql_string_list(var('aiue_tool_operations')) }} as is_tool
    from checked

)

select * from final
