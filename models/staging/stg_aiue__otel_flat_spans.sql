{#- The flat span layout (var aiue_spans_layout includes 'flat'): one row per span in a table
    whose columns are the genai_spans contract names, or attribute names such as
    gen_ai.usage.input_tokens mapped through the aliases seed. Every value stays text here
    (raw_*); a column already typed (Parquet, a warehouse table) also gives its typed value
    (typed_*), so stg_aiue__otel_spans skips the text parsing for it. -#}
-- depends_on: {{ ref('stg_aiue__seed_attribute_aliases') }}
{% if not ai_unit_economics.is_layout_enabled('flat') %}

{{ ai_unit_economics.empty_layout_select('flat') }}

{%- else %}
{%- set source_relation = source('aiue', 'genai_spans') -%}
{%- set columns = ai_unit_economics.source_columns_by_name(source_relation) -%}
{%- set aliases = ai_unit_economics.attribute_aliases() -%}
{%- set lookup = {'kind': 'columns', 'columns': columns} -%}

with source as (

    select * from {{ source_relation }}

),

mapped as (

    select
        {% for column in ai_unit_economics.span_mapped_columns() -%}
        {{ ai_unit_economics.aliased_value(ai_unit_economics.own_name_alias(column) + aliases.get(column, []), lookup) }} as raw_{{ column }},
        {% endfor -%}
        {% for column, kind in ai_unit_economics.span_typed_columns().items() -%}
        {{ ai_unit_economics.flat_typed_value(column, kind, ai_unit_economics.own_name_alias(column) + aliases.get(column, []), columns) }} as typed_{{ column }},
        {% endfor -%}
        cast(null as {{ dbt.type_string() }}) as raw_duration_nanos,
        'flat' as source_layout,
        {{ ai_unit_economics.source_text(columns, ['_aiue_source_file']) }} as source_file,
        {{ ai_unit_economics.integer_column_or_null('_aiue_source_row', columns) }} as source_row_number
    from source

)

select * from mapped

{%- endif %}
