{#- One row per outcome label: booleans and labeled_at parsed (a typed source column, from
    Parquet or a warehouse table, is taken as it is; text is parsed). raw_* keep the value as
    given so a rejection can name it. -#}
{%- set source_relation = source('aiue', 'outcomes') -%}
{%- set columns = ai_unit_economics.source_columns_by_name(source_relation) -%}
{%- set text_columns = ['intent_id', 'signal', 'escalation_channel'] -%}
{%- set typed_columns = {
    'is_success': 'boolean', 'is_escalated': 'boolean', 'is_human_reviewed': 'boolean',
    'labeled_at': 'timestamp'} -%}

with source as (

    select * from {{ source_relation }}

),

cleaned as (

    select
        {% for column in text_columns + typed_columns.keys() | list -%}
        {{ ai_unit_economics.source_text(columns, [column]) }} as raw_{{ column }},
        {% endfor -%}
        {% for column, kind in typed_columns.items() -%}
        {%- if column in columns -%}
        {{ ai_unit_economics.parse_typed_or_text(kind, columns[column][0], columns[column][1]) }}
        {%- else -%}
        cast(null as {{ ai_unit_economics.typed_kind_type(kind) }})
        {%- endif %} as {{ column }},
        {% endfor -%}
        {{ ai_unit_economics.source_text(columns, ['_aiue_source_file']) }} as source_file,
        {{ ai_unit_economics.integer_column_or_null('_aiue_source_row', columns) }} as source_row_number
    from source

),

parsed as (

    select
        raw_intent_id as intent_id,
        lower(raw_signal) as signal,
        lower(raw_escalation_channel) as escalation_channel,
        is_success,
        is_escalated,
        is_human_reviewed,
        labeled_at,
        source_row_number,
        source_file,
        raw_is_success,
        raw_is_escalated,
        raw_is_human_reviewed,
        raw_labeled_at
    from cleaned

)

select * from parsed
