{%- set source_relation = source('aiue', 'genai_spans') -%}
{%- set available = ai_unit_economics.source_column_names(source_relation) -%}
{%- set text_columns = [
    'trace_id', 'span_id', 'parent_span_id', 'span_name', 'start_time', 'end_time',
    'status_code', 'service_name', 'operation_name', 'provider_name', 'request_model',
    'response_model', 'response_id', 'conversation_id', 'input_tokens', 'output_tokens',
    'cache_read_input_tokens', 'cache_creation_input_tokens', 'reasoning_output_tokens',
    'error_type', 'tool_name', 'feature_tag', 'intent_id', 'attempt', 'turn_index',
    'prompt_version', 'user_id', 'reported_cost', 'reported_cost_currency',
    '_aiue_source_file'] -%}
{%- set lowercased = ['provider_name', 'request_model', 'response_model', 'operation_name'] -%}
{%- set counts = ['input_tokens', 'output_tokens', 'cache_read_input_tokens',
    'cache_creation_input_tokens', 'reasoning_output_tokens', 'attempt', 'turn_index'] -%}

with source as (

    select * from {{ source_relation }}

),

cleaned as (

    select
        {% for column in text_columns -%}
        {{ ai_unit_economics.text_column_or_null(column, available) }} as raw_{{ column }},
        {% endfor -%}
        {{ ai_unit_economics.integer_column_or_null('_aiue_source_row', available) }} as source_row_number
    from source

),

parsed as (

    select
        raw_trace_id as trace_id,
        raw_span_id as span_id,
        raw_parent_span_id as parent_span_id,
        coalesce(raw_intent_id, raw_conversation_id, raw_trace_id) as intent_id,
        raw_conversation_id as conversation_id,
        raw_response_id as response_id,
        raw_user_id as user_id,
        raw_span_name as span_name,
        raw_service_name as service_name,
        {% for column in lowercased -%}
        lower(raw_{{ column }}) as {{ column }},
        {% endfor -%}
        {{ ai_unit_economics.normalize_status_code('raw_status_code') }} as status_code,
        raw_error_type as error_type,
        raw_tool_name as tool_name,
        raw_feature_tag as feature_tag,
        raw_prompt_version as prompt_version,
        upper(raw_reported_cost_currency) as reported_cost_currency,
        {% for column in counts -%}
        {{ ai_unit_economics.parse_integer('raw_' ~ column) }} as {{ column }},
        {% endfor -%}
        {{ ai_unit_economics.parse_decimal('raw_reported_cost') }} as reported_cost,
        {{ ai_unit_economics.parse_timestamp_utc('raw_start_time') }} as started_at,
        {{ ai_unit_economics.parse_timestamp_utc('raw_end_time') }} as ended_at,
        raw_intent_id is null as is_intent_id_inferred,
        source_row_number,
        raw__aiue_source_file as source_file,
        {% for column in ['status_code', 'start_time', 'end_time', 'reported_cost'] + counts -%}
        raw_{{ column }}{{ "," if not loop.last }}
        {% endfor %}
    from cleaned

)

select * from parsed
