{#- The otel_traces span layout (var aiue_spans_layout includes 'otel_traces'): the
    OpenTelemetry Collector's ClickHouse table, a copy of it in your warehouse, or OTLP JSON
    files that `aiue run` flattened into its shape. Span fields come from its columns;
    everything else from the SpanAttributes map (and ResourceAttributes, for application
    attributes) through the aliases seed, read by the engine's map macro. Text here;
    int_aiue__spans_parsed parses it. -#}
-- depends_on: {{ ai_unit_economics.seed_relation('aiue_attribute_aliases') }}
{{ config(enabled=ai_unit_economics.is_layout_enabled('otel_traces')) }}
{%- set source_relation = source('aiue', 'otel_traces') -%}
{%- set columns = ai_unit_economics.source_columns_by_name(source_relation) -%}
{%- set aliases = ai_unit_economics.attribute_aliases() -%}
{%- set span_attributes = columns.get('spanattributes', ('cast(null as ' ~ dbt.type_string() ~ ')', '')) -%}
{%- set resource_attributes = columns.get('resourceattributes', ('cast(null as ' ~ dbt.type_string() ~ ')', '')) -%}
{%- set lookup = {'kind': 'maps', 'span': span_attributes, 'resource': resource_attributes} -%}
{#- Span fields the table has as columns; the rest come from the attributes. -#}
{%- set from_columns = {
    'trace_id': 'lower(' ~ ai_unit_economics.source_text(columns, ['traceid']) ~ ')',
    'span_id': 'lower(' ~ ai_unit_economics.source_text(columns, ['spanid']) ~ ')',
    'parent_span_id': 'lower(' ~ ai_unit_economics.source_text(columns, ['parentspanid']) ~ ')',
    'span_name': ai_unit_economics.source_text(columns, ['spanname']),
    'start_time': ai_unit_economics.source_text(columns, ['timestamp']),
    'end_time': 'cast(null as ' ~ dbt.type_string() ~ ')',
    'status_code': ai_unit_economics.source_text(columns, ['statuscode']),
    'service_name': ai_unit_economics.source_text(columns, ['servicename']),
} -%}
{%- set from_attributes = [] -%}
{%- for column in ai_unit_economics.span_mapped_columns() if column not in from_columns or column == 'service_name' -%}
  {%- do from_attributes.append(column) -%}
{%- endfor -%}
{%- set attributes = ai_unit_economics.alias_attribute_columns(aliases, from_attributes, lookup) -%}

with source as (

    select * from {{ source_relation }}

),

attributes as (

    select
        {% for column, sql in from_columns.items() -%}
        {{ sql }} as column_{{ column }},
        {% endfor -%}
        {% for sql in attributes['select'] -%}
        {{ sql }},
        {% endfor -%}
        {{ ai_unit_economics.source_text(columns, ['duration']) }} as duration,
        {{ ai_unit_economics.source_text(columns, ['_aiue_source_file']) }} as source_file,
        {{ ai_unit_economics.integer_column_or_null('_aiue_source_row', columns) }} as source_row_number
    from source

),

mapped as (

    select
        {% for column in ai_unit_economics.span_mapped_columns() -%}
        {%- if column == 'service_name' -%}
        coalesce(
            column_service_name,
            {{ ai_unit_economics.aliased_value(aliases.get(column, []), lookup, attributes['names']) }}
        ) as raw_{{ column }},
        {%- elif column in from_columns -%}
        column_{{ column }} as raw_{{ column }},
        {%- else -%}
        {{ ai_unit_economics.aliased_value(aliases.get(column, []), lookup, attributes['names']) }} as raw_{{ column }},
        {%- endif %}
        {% endfor -%}
        {{ ai_unit_economics.typed_null_columns() }}
        duration as raw_duration_nanos,
        'otel_traces' as source_layout,
        source_file,
        source_row_number
    from attributes

)

select * from mapped
