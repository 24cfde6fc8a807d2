{#- Langfuse scores as OTel gen_ai.evaluation.result events: one row per attribute
    (gen_ai.evaluation.name, gen_ai.evaluation.score.value, gen_ai.evaluation.score.label,
    gen_ai.evaluation.explanation), span_id the scored observation (null for a trace-level
    score). A node when var aiue__using_langfuse_scores is true, or null and the langfuse
    layout is read; with null it reads the table when it exists (empty otherwise).
    Text here; int_aiue__span_events_parsed parses it. -#}
-- depends_on: {{ ai_unit_economics.seed_relation('aiue_attribute_aliases') }}
{{ config(enabled=ai_unit_economics.is_using_langfuse_scores()) }}
{%- set declared = source('aiue', 'langfuse_scores') -%}
{%- set source_relation = declared if var('aiue__using_langfuse_scores', none) or not execute
    else load_relation(declared) -%}
{% if source_relation is none %}

{{ ai_unit_economics.empty_events_select() }}

{%- else %}
{%- set columns = ai_unit_economics.source_columns_by_name(source_relation) -%}
{%- set attributes = [
    ('gen_ai.evaluation.name', 'score_name'),
    ('gen_ai.evaluation.score.value', 'score_value'),
    ('gen_ai.evaluation.score.label', 'score_label'),
    ('gen_ai.evaluation.explanation', 'score_comment')] -%}

with source as (

    select * from {{ source_relation }}

),

scores as (

    select
        {{ ai_unit_economics.source_text(columns, ['traceid', 'trace_id']) }} as trace_id,
        {{ ai_unit_economics.source_text(columns, ['observationid', 'observation_id']) }} as span_id,
        {{ ai_unit_economics.source_text(columns, ['timestamp', 'createdat', 'created_at']) }} as raw_event_at,
        {{ ai_unit_economics.source_text(columns, ['name']) }} as score_name,
        {{ ai_unit_economics.source_text(columns, ['value']) }} as score_value,
        {{ ai_unit_economics.source_text(columns, ['stringvalue', 'string_value']) }} as score_label,
        {{ ai_unit_economics.source_text(columns, ['comment']) }} as score_comment,
        {{ ai_unit_economics.source_text(columns, ['_aiue_source_file']) }} as source_file,
        {{ ai_unit_economics.integer_column_or_null('_aiue_source_row', columns) }} as source_row_number
    from source

),

numbered as (

    select
        *,
        row_number() over (
            partition by trace_id, span_id
            order by raw_event_at, source_row_number
        ) as event_index
    from scores

),

final as (

    {% for key, column in attributes -%}
    select
        trace_id,
        span_id,
        cast(event_index as {{ dbt.type_bigint() }}) as event_index,
        'gen_ai.evaluation.result' as event_name,
        raw_event_at,
        '{{ key }}' as attribute_key,
        {{ column }} as attribute_value,
        source_file,
        source_row_number
    from numbered
    where {{ column }} is not null
    {{ 'union all' if not loop.last }}
    {% endfor %}

)

select * from final

{%- endif %}
