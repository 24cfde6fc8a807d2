{{ config(materialized='view') }}
{#- Span events, one row per attribute of an event (long form, the same on every engine):
    the otel_traces layout's events (OTLP span events, the Collector's Events.* columns) and
    Langfuse scores as gen_ai.evaluation.result events, of the layouts that are read. event_at
    parsed to UTC like span times. An input with no events gives no rows. -#}
{%- set models = [] -%}
{%- if ai_unit_economics.is_layout_enabled('otel_traces') -%}
  {%- do models.append('stg_aiue__otel_traces_span_events') -%}
{%- endif -%}
{%- if ai_unit_economics.is_using_langfuse_scores() -%}
  {%- do models.append('stg_aiue__langfuse_scores') -%}
{%- endif %}
with unioned as (

    {% if not models -%}
    {{ ai_unit_economics.empty_events_select() }}
    {%- endif %}
    {% for model in models -%}
    select
        trace_id,
        span_id,
        event_index,
        event_name,
        raw_event_at,
        attribute_key,
        attribute_value,
        source_file,
        source_row_number
    from {{ ref(model) }}
    {{ 'union all' if not loop.last }}
    {% endfor %}

),

final as (

    select
        trace_id,
        span_id,
        event_index,
        event_name,
        {{ ai_unit_economics.parse_timestamp_utc('raw_event_at') }} as event_at,
        attribute_key,
        attribute_value,
        source_file,
        source_row_number
    from unioned

)

select * from final
