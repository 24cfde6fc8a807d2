{#- The events of the otel_traces layout (the Collector's Events.Timestamp, Events.Name and
    Events.Attributes parallel lists, or an OTLP span's events): one row per attribute of an
    event, read by the engine's explode macro. Text here; int_aiue__span_events_parsed parses. -#}
-- depends_on: {{ ai_unit_economics.seed_relation('aiue_attribute_aliases') }}
{{ config(enabled=ai_unit_economics.is_layout_enabled('otel_traces')) }}
{%- set source_relation = source('aiue', 'otel_traces') -%}
{%- set columns = ai_unit_economics.source_columns_by_name(source_relation) -%}
{%- set lists = {} -%}
{%- for column, names in [
    ('event_timestamps', ['events.timestamp', 'events_timestamp']),
    ('event_names', ['events.name', 'events_name']),
    ('event_attributes', ['events.attributes', 'events_attributes'])] -%}
  {%- for name in names if name in columns -%}
    {%- if loop.first -%}{%- do lists.update({column: columns[name]}) -%}{%- endif -%}
  {%- endfor -%}
{%- endfor -%}

{%- if lists | length < 3 %}

{{ ai_unit_economics.empty_events_select() }}

{%- else %}

with spans as (

    select
        lower({{ ai_unit_economics.source_text(columns, ['traceid']) }}) as trace_id,
        lower({{ ai_unit_economics.source_text(columns, ['spanid']) }}) as span_id,
        {{ lists['event_timestamps'][0] }} as event_timestamps,
        {{ lists['event_names'][0] }} as event_names,
        {{ lists['event_attributes'][0] }} as event_attributes,
        {{ ai_unit_economics.source_text(columns, ['_aiue_source_file']) }} as source_file,
        {{ ai_unit_economics.integer_column_or_null('_aiue_source_row', columns) }} as source_row_number
    from {{ source_relation }}

),

exploded as (

    {{ ai_unit_economics.span_events_exploded('spans', {
        'event_timestamps': lists['event_timestamps'][1],
        'event_names': lists['event_names'][1],
        'event_attributes': lists['event_attributes'][1]}) }}

),

final as (

    select
        trace_id,
        span_id,
        cast(event_index as {{ dbt.type_bigint() }}) as event_index,
        {{ ai_unit_economics.clean_text('event_name') }} as event_name,
        {{ ai_unit_economics.clean_text('raw_event_at') }} as raw_event_at,
        attribute_key,
        attribute_value,
        source_file,
        source_row_number
    from exploded

)

select * from final

{%- endif %}
