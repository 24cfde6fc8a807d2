{#- The langfuse span layout (var aiue_spans_layout includes 'langfuse'): Langfuse
    observations. A GENERATION is a chat call, an EMBEDDING an embeddings call, a TOOL a tool
    call; spans, events, agents and chains are not calls. Langfuse's usage types are
    additive (input excludes input_cached_tokens), so input tokens are the sum of every
    usageDetails key holding 'input' and output tokens of every key holding 'output' (the
    rule Langfuse's UI applies; input_audio_tokens / output_audio_tokens, parts of those sums,
    are the audio counts); costDetails.total is the gateway-reported cost in USD.
    promptName is the prompt name, modelParameters.reasoning_effort the reasoning level.
    Application attributes come from the metadata JSON (keys of var
    aiue_app_attribute_keys). Text here; int_aiue__spans_parsed parses it. -#}
-- depends_on: {{ ai_unit_economics.seed_relation('aiue_attribute_aliases') }}
{{ config(enabled=ai_unit_economics.is_layout_enabled('langfuse')) }}
{%- set source_relation = source('aiue', 'langfuse_observations') -%}
{%- set columns = ai_unit_economics.source_columns_by_name(source_relation) -%}
{%- set aliases = ai_unit_economics.attribute_aliases() -%}
{%- set null_text = 'cast(null as ' ~ dbt.type_string() ~ ')' -%}
{%- set usage_details = columns.get('usagedetails', columns.get('usage_details', (null_text, '')))[0] -%}
{%- set cost_details = columns.get('costdetails', columns.get('cost_details', (null_text, '')))[0] -%}
{%- set usage = columns.get('usage', (null_text, ''))[0] -%}
{%- set metadata = columns.get('metadata', (null_text, ''))[0] -%}
{%- set model_parameters = columns.get('modelparameters', columns.get('model_parameters', (null_text, '')))[0] -%}
{%- set app_source = {'kind': 'document', 'documents': [(metadata, [])]} -%}

with source as (

    select * from {{ source_relation }}

),

cleaned as (

    select
        {{ ai_unit_economics.source_text(columns, ['id']) }} as observation_id,
        {{ ai_unit_economics.source_text(columns, ['traceid', 'trace_id']) }} as trace_id,
        {{ ai_unit_economics.source_text(columns, ['parentobservationid', 'parent_observation_id']) }} as parent_observation_id,
        {{ ai_unit_economics.source_text(columns, ['name']) }} as observation_name,
        upper({{ ai_unit_economics.source_text(columns, ['type']) }}) as observation_type,
        upper({{ ai_unit_economics.source_text(columns, ['level']) }}) as observation_level,
        {{ ai_unit_economics.source_text(columns, ['statusmessage', 'status_message']) }} as status_message,
        {{ ai_unit_economics.source_text(columns, ['starttime', 'start_time']) }} as start_time,
        {{ ai_unit_economics.source_text(columns, ['endtime', 'end_time']) }} as end_time,
        {{ ai_unit_economics.source_text(columns, ['model']) }} as model,
        {{ ai_unit_economics.source_text(columns, ['providedmodelname', 'provided_model_name']) }} as provided_model,
        {{ ai_unit_economics.source_text(columns, ['sessionid', 'session_id']) }} as session_id,
        {{ ai_unit_economics.source_text(columns, ['userid', 'user_id']) }} as user_id,
        {{ ai_unit_economics.source_text(columns, ['promptversion', 'prompt_version']) }} as prompt_version,
        {{ ai_unit_economics.source_text(columns, ['promptname', 'prompt_name']) }} as prompt_name,
        {{ ai_unit_economics.json_first_text(model_parameters, ['reasoning_effort']) }} as reasoning_effort,
        {{ ai_unit_economics.clean_text(ai_unit_economics.json_path_text(metadata, ['ls_provider'])) }} as provider,
        cast({{ ai_unit_economics.json_sum_keys_containing(usage_details, 'input') }} as {{ dbt.type_string() }}) as usage_input,
        cast({{ ai_unit_economics.json_sum_keys_containing(usage_details, 'output') }} as {{ dbt.type_string() }}) as usage_output,
        {{ ai_unit_economics.json_first_text(usage, ['input', 'promptTokens']) }} as legacy_input,
        {{ ai_unit_economics.json_first_text(usage, ['output', 'completionTokens']) }} as legacy_output,
        {{ ai_unit_economics.json_first_text(usage_details, ['input_cached_tokens', 'cache_read_input_tokens', 'input_cache_read']) }} as cache_read_tokens,
        {{ ai_unit_economics.json_first_text(usage_details, ['cache_creation_input_tokens', 'input_cache_creation', 'input_cache_write']) }} as cache_creation_tokens,
        {{ ai_unit_economics.json_first_text(usage_details, ['output_reasoning_tokens', 'output_reasoning']) }} as reasoning_tokens,
        {{ ai_unit_economics.json_first_text(usage_details, ['input_audio_tokens', 'input_audio']) }} as audio_input_tokens,
        {{ ai_unit_economics.json_first_text(usage_details, ['output_audio_tokens', 'output_audio']) }} as audio_output_tokens,
        coalesce(
            {{ ai_unit_economics.json_first_text(cost_details, ['total']) }},
            cast({{ ai_unit_economics.json_sum_keys_containing(cost_details, '') }} as {{ dbt.type_string() }}),
            {{ ai_unit_economics.source_text(columns, ['totalcost', 'total_cost', 'calculatedtotalcost']) }}
        ) as cost,
        {% for column in ['feature_tag', 'intent_id', 'attempt', 'turn_index', 'prompt_version'] + ai_unit_economics.passthrough_column_names() -%}
        {{ ai_unit_economics.aliased_value(aliases.get(column, []), app_source) }} as app_{{ column }},
        {% endfor -%}
        {{ ai_unit_economics.source_text(columns, ['_aiue_source_file']) }} as source_file,
        {{ ai_unit_economics.integer_column_or_null('_aiue_source_row', columns) }} as source_row_number
    from source

),

mapped as (

    select
        trace_id as raw_trace_id,
        observation_id as raw_span_id,
        parent_observation_id as raw_parent_span_id,
        observation_name as raw_span_name,
        start_time as raw_start_time,
        end_time as raw_end_time,
        case when observation_level = 'ERROR' then 'ERROR' else 'UNSET' end as raw_status_code,
        cast(null as {{ dbt.type_string() }}) as raw_service_name,
        case observation_type
            when 'GENERATION' then 'chat'
            when 'EMBEDDING' then 'embeddings'
            when 'TOOL' then 'execute_tool'
            when 'AGENT' then 'invoke_agent'
            when 'RETRIEVER' then 'retrieval'
            else lower(observation_type)
        end as raw_operation_name,
        provider as raw_provider_name,
        coalesce(provided_model, model) as raw_request_model,
        model as raw_response_model,
        cast(null as {{ dbt.type_string() }}) as raw_response_id,
        session_id as raw_conversation_id,
        coalesce(usage_input, legacy_input) as raw_input_tokens,
        coalesce(usage_output, legacy_output) as raw_output_tokens,
        cache_read_tokens as raw_cache_read_input_tokens,
        cache_creation_tokens as raw_cache_creation_input_tokens,
        reasoning_tokens as raw_reasoning_output_tokens,
        cast(null as {{ dbt.type_string() }}) as raw_text_input_tokens,
        cast(null as {{ dbt.type_string() }}) as raw_image_input_tokens,
        audio_input_tokens as raw_audio_input_tokens,
        cast(null as {{ dbt.type_string() }}) as raw_video_input_tokens,
        cast(null as {{ dbt.type_string() }}) as raw_text_output_tokens,
        audio_output_tokens as raw_audio_output_tokens,
        case when observation_level = 'ERROR' then coalesce(status_message, 'ERROR') end as raw_error_type,
        case when observation_type = 'TOOL' then observation_name end as raw_tool_name,
        app_feature_tag as raw_feature_tag,
        app_intent_id as raw_intent_id,
        app_attempt as raw_attempt,
        app_turn_index as raw_turn_index,
        coalesce(prompt_version, app_prompt_version) as raw_prompt_version,
        prompt_name as raw_prompt_name,
        reasoning_effort as raw_reasoning_level,
        user_id as raw_user_id,
        {% for column in ai_unit_economics.passthrough_column_names() -%}
        app_{{ column }} as raw_{{ column }},
        {% endfor -%}
        cost as raw_reported_cost,
        case when cost is not null then 'USD' end as raw_reported_cost_currency,
        cast(null as {{ dbt.type_string() }}) as raw_reported_cost_source,
        cast(null as {{ dbt.type_string() }}) as raw_reported_inference_calls,
        cast(null as {{ dbt.type_string() }}) as raw_reported_tool_calls,
        {{ ai_unit_economics.typed_null_columns() }}
        cast(null as {{ dbt.type_string() }}) as raw_duration_nanos,
        'langfuse' as source_layout,
        source_file,
        source_row_number
    from cleaned

)

select * from mapped
