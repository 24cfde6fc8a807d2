{{ config(materialized='view') }}
{#- Every span of every layout var aiue_spans_layout reads (only those layouts' models are
    nodes), on the genai_spans contract:
    the layout models map names (text), this model parses values with the same rules on
    every engine (macros/parsing.sql): a typed_* value (a column already typed in the source)
    is taken as it is, the raw_* text is parsed only when there is none. raw_* columns keep
    what was given so a rejection can name the bad value; source_layout, source_file and source_row_number say where it was. -#}
{%- set layouts = [] -%}
{%- for layout in ai_unit_economics.spans_layouts() -%}
  {%- do layouts.append(ai_unit_economics.span_layout_models()[layout]) -%}
{%- endfor -%}
{%- set lowercased = ['provider_name', 'request_model', 'response_model', 'operation_name',
    'reasoning_level', 'reported_cost_source'] -%}
{%- set counts = ai_unit_economics.span_count_columns() -%}

with unioned as (

    {% for model in layouts -%}
    select
        {% for column in ai_unit_economics.layout_output_columns() -%}
        {{ column }}{{ "," if not loop.last }}
        {% endfor -%}
    from {{ ref(model) }}
    {{ 'union all' if not loop.last }}
    {% endfor %}

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
        raw_prompt_name as prompt_name,
        {% for column in ai_unit_economics.passthrough_column_names() -%}
        raw_{{ column }} as {{ column }},
        {% endfor -%}
        upper(raw_reported_cost_currency) as reported_cost_currency,
        {% for column in counts -%}
        coalesce(typed_{{ column }}, {{ ai_unit_economics.parse_integer('raw_' ~ column) }}) as {{ column }},
        {% endfor -%}
        coalesce(typed_reported_cost, {{ ai_unit_economics.parse_decimal('raw_reported_cost') }}) as reported_cost,
        coalesce(typed_start_time, {{ ai_unit_economics.parse_timestamp_utc('raw_start_time') }}) as started_at,
        coalesce(typed_end_time, {{ ai_unit_economics.parse_timestamp_utc('raw_end_time') }}) as parsed_end_time,
        {{ ai_unit_economics.parse_integer(ai_unit_economics.nanos_as_micros_text('raw_duration_nanos')) }} as duration_micros,
        raw_intent_id is null as is_intent_id_inferred,
        source_layout,
        source_row_number,
        source_file,
        {% for column in ['status_code', 'start_time', 'end_time', 'reported_cost'] + counts -%}
        raw_{{ column }}{{ "," if not loop.last }}
        {% endfor %}
    from unioned

),

final as (

    select
        trace_id,
        span_id,
        parent_span_id,
        intent_id,
        conversation_id,
        response_id,
        user_id,
        span_name,
        service_name,
        {% for column in lowercased -%}
        {{ column }},
        {% endfor -%}
        status_code,
        error_type,
        tool_name,
        feature_tag,
        prompt_version,
        prompt_name,{{ ai_unit_economics.passthrough_transformed() }}
        reported_cost_currency,
        {% for column in counts -%}
        {{ column }},
        {% endfor -%}
        reported_cost,
        started_at,
        coalesce(
            parsed_end_time,
            {{ ai_unit_economics.add_microseconds('started_at', 'duration_micros') }}
        ) as ended_at,
        is_intent_id_inferred,
        source_layout,
        source_row_number,
        source_file,
        {% for column in ['status_code', 'start_time', 'end_time', 'reported_cost'] + counts -%}
        raw_{{ column }}{{ "," if not loop.last }}
        {% endfor %}
    from parsed

)

select * from final
