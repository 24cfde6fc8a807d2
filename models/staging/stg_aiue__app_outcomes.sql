{%- set source_relation = source('aiue', 'outcomes') -%}
{%- set available = ai_unit_economics.source_column_names(source_relation) -%}
{%- set text_columns = [
    'intent_id', 'is_success', 'is_escalated', 'is_human_reviewed', 'signal',
    'escalation_channel', 'labeled_at', '_aiue_source_file'] -%}

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
        raw_intent_id as intent_id,
        lower(raw_signal) as signal,
        lower(raw_escalation_channel) as escalation_channel,
        {{ ai_unit_economics.parse_boolean('raw_is_success') }} as is_success,
        {{ ai_unit_economics.parse_boolean('raw_is_escalated') }} as is_escalated,
        {{ ai_unit_economics.parse_boolean('raw_is_human_reviewed') }} as is_human_reviewed,
        {{ ai_unit_economics.parse_timestamp_utc('raw_labeled_at') }} as labeled_at,
        source_row_number,
        raw__aiue_source_file as source_file,
        raw_is_success,
        raw_is_escalated,
        raw_is_human_reviewed,
        raw_labeled_at
    from cleaned

)

select * from parsed
