{#- The litellm span layout (var aiue_spans_layout includes 'litellm'): LiteLLM proxy's
    LiteLLM_SpendLogs, one row per request through the gateway. request_id is the call (its
    trace and span id, and the provider's response id), session_id the conversation, spend
    the gateway's own cost in USD (its cost source 'local': LiteLLM prices the call from its
    model price map); cached, reasoning and per-modality tokens (prompt_tokens_details /
    completion_tokens_details text, image and audio tokens) come from the usage_object in
    the metadata JSON, application attributes from its spend_logs_metadata /
    requester_metadata (keys of var aiue_app_attribute_keys). Text here;
    int_aiue__spans_parsed parses it. -#}
-- depends_on: {{ ai_unit_economics.seed_relation('aiue_attribute_aliases') }}
{{ config(enabled=ai_unit_economics.is_layout_enabled('litellm')) }}
{%- set source_relation = source('aiue', 'litellm_spend_logs') -%}
{%- set columns = ai_unit_economics.source_columns_by_name(source_relation) -%}
{%- set aliases = ai_unit_economics.attribute_aliases() -%}
{%- set metadata = columns.get('metadata', ('cast(null as ' ~ dbt.type_string() ~ ')', ''))[0] -%}
{%- set app_source = {'kind': 'document', 'documents': [
    (metadata, ['spend_logs_metadata']), (metadata, ['requester_metadata'])]} -%}
{%- set usage = ['usage_object'] -%}

with source as (

    select * from {{ source_relation }}

),

cleaned as (

    select
        {{ ai_unit_economics.source_text(columns, ['request_id']) }} as request_id,
        lower({{ ai_unit_economics.source_text(columns, ['call_type']) }}) as call_type,
        lower({{ ai_unit_economics.source_text(columns, ['custom_llm_provider']) }}) as provider,
        {{ ai_unit_economics.source_text(columns, ['model']) }} as model,
        {{ ai_unit_economics.source_text(columns, ['model_group']) }} as model_group,
        lower(coalesce(
            {{ ai_unit_economics.source_text(columns, ['status']) }},
            {{ ai_unit_economics.clean_text(ai_unit_economics.json_path_text(metadata, ['status'])) }}
        )) as status,
        {{ ai_unit_economics.source_text(columns, ['starttime', 'start_time']) }} as start_time,
        {{ ai_unit_economics.source_text(columns, ['endtime', 'end_time']) }} as end_time,
        {{ ai_unit_economics.source_text(columns, ['session_id']) }} as session_id,
        coalesce(
            {{ ai_unit_economics.source_text(columns, ['end_user']) }},
            {{ ai_unit_economics.source_text(columns, ['user']) }}
        ) as user_id,
        {{ ai_unit_economics.source_text(columns, ['prompt_tokens']) }} as prompt_tokens,
        {{ ai_unit_economics.source_text(columns, ['completion_tokens']) }} as completion_tokens,
        coalesce(
            {{ ai_unit_economics.clean_text(ai_unit_economics.json_path_text(metadata, usage + ['prompt_tokens_details', 'cached_tokens'])) }},
            {{ ai_unit_economics.clean_text(ai_unit_economics.json_path_text(metadata, usage + ['cache_read_input_tokens'])) }}
        ) as cache_read_tokens,
        coalesce(
            {{ ai_unit_economics.clean_text(ai_unit_economics.json_path_text(metadata, usage + ['cache_creation_input_tokens'])) }},
            {{ ai_unit_economics.clean_text(ai_unit_economics.json_path_text(metadata, usage + ['prompt_tokens_details', 'cache_creation_tokens'])) }}
        ) as cache_creation_tokens,
        {{ ai_unit_economics.clean_text(ai_unit_economics.json_path_text(metadata, usage + ['completion_tokens_details', 'reasoning_tokens'])) }} as reasoning_tokens,
        {{ ai_unit_economics.clean_text(ai_unit_economics.json_path_text(metadata, usage + ['prompt_tokens_details', 'text_tokens'])) }} as text_input_tokens,
        {{ ai_unit_economics.clean_text(ai_unit_economics.json_path_text(metadata, usage + ['prompt_tokens_details', 'image_tokens'])) }} as image_input_tokens,
        {{ ai_unit_economics.clean_text(ai_unit_economics.json_path_text(metadata, usage + ['prompt_tokens_details', 'audio_tokens'])) }} as audio_input_tokens,
        {{ ai_unit_economics.clean_text(ai_unit_economics.json_path_text(metadata, usage + ['completion_tokens_details', 'text_tokens'])) }} as text_output_tokens,
        {{ ai_unit_economics.clean_text(ai_unit_economics.json_path_text(metadata, usage + ['completion_tokens_details', 'audio_tokens'])) }} as audio_output_tokens,
        {{ ai_unit_economics.clean_text(ai_unit_economics.json_path_text(metadata, ['error_information', 'error_class'])) }} as error_class,
        {{ ai_unit_economics.source_text(columns, ['spend']) }} as spend,
        {% for column in ['feature_tag', 'intent_id', 'attempt', 'turn_index', 'prompt_version'] + ai_unit_economics.passthrough_column_names() -%}
        {{ ai_unit_economics.aliased_value(aliases.get(column, []), app_source) }} as app_{{ column }},
        {% endfor -%}
        {{ ai_unit_economics.source_text(columns, ['_aiue_source_file']) }} as source_file,
        {{ ai_unit_economics.integer_column_or_null('_aiue_source_row', columns) }} as source_row_number
    from source

),

mapped as (

    select
        request_id as raw_trace_id,
        request_id as raw_span_id,
        cast(null as {{ dbt.type_string() }}) as raw_parent_span_id,
        call_type as raw_span_name,
        start_time as raw_start_time,
        end_time as raw_end_time,
        case status
            when 'success' then 'OK'
            when 'failure' then 'ERROR'
            else status
        end as raw_status_code,
        cast(null as {{ dbt.type_string() }}) as raw_service_name,
        case
            when call_type in ('completion', 'acompletion', 'anthropic_messages', 'responses', 'aresponses') then 'chat'
            when call_type in ('text_completion', 'atext_completion') then 'text_completion'
            when call_type in ('embedding', 'aembedding') then 'embeddings'
            when call_type in ('generate_content', 'agenerate_content') then 'generate_content'
            else call_type
        end as raw_operation_name,
        provider as raw_provider_name,
        coalesce(model_group, model) as raw_request_model,
        case
            when provider is not null and model like {{ dbt.concat(['provider', "'/%'"]) }}
                then substr(model, {{ dbt.length('provider') }} + 2)
            else model
        end as raw_response_model,
        request_id as raw_response_id,
        session_id as raw_conversation_id,
        prompt_tokens as raw_input_tokens,
        completion_tokens as raw_output_tokens,
        cache_read_tokens as raw_cache_read_input_tokens,
        cache_creation_tokens as raw_cache_creation_input_tokens,
        reasoning_tokens as raw_reasoning_output_tokens,
        text_input_tokens as raw_text_input_tokens,
        image_input_tokens as raw_image_input_tokens,
        audio_input_tokens as raw_audio_input_tokens,
        cast(null as {{ dbt.type_string() }}) as raw_video_input_tokens,
        text_output_tokens as raw_text_output_tokens,
        audio_output_tokens as raw_audio_output_tokens,
        case when status = 'failure' then coalesce(error_class, 'failure') end as raw_error_type,
        cast(null as {{ dbt.type_string() }}) as raw_tool_name,
        app_feature_tag as raw_feature_tag,
        app_intent_id as raw_intent_id,
        app_attempt as raw_attempt,
        app_turn_index as raw_turn_index,
        app_prompt_version as raw_prompt_version,
        cast(null as {{ dbt.type_string() }}) as raw_prompt_name,
        cast(null as {{ dbt.type_string() }}) as raw_reasoning_level,
        user_id as raw_user_id,
        {% for column in ai_unit_economics.passthrough_column_names() -%}
        app_{{ column }} as raw_{{ column }},
        {% endfor -%}
        spend as raw_reported_cost,
        case when spend is not null then 'USD' end as raw_reported_cost_currency,
        {#- LiteLLM prices the call itself, from its model price map. #}
        case when spend is not null then 'local' end as raw_reported_cost_source,
        cast(null as {{ dbt.type_string() }}) as raw_reported_inference_calls,
        cast(null as {{ dbt.type_string() }}) as raw_reported_tool_calls,
        {{ ai_unit_economics.typed_null_columns() }}
        cast(null as {{ dbt.type_string() }}) as raw_duration_nanos,
        'litellm' as source_layout,
        source_file,
        source_row_number
    from cleaned

)

select * from mapped
