{#- The flat span layout (var aiue_spans_layout includes 'flat'): one row per span in a table
    whose columns are the genai_spans contract names, or attribute names such as
    gen_ai.usage.input_tokens mapped through the aliases seed. Every value stays text here
    (raw_*); a column already typed (Parquet, a warehouse table) also gives its typed value
    (typed_*), so int_aiue__spans_parsed skips the text parsing for it. -#}
-- depends_on: {{ ai_unit_economics.seed_relation('aiue_attribute_aliases') }}
{{ config(enabled=ai_unit_economics.is_layout_enabled('flat')) }}
{%- set source_relation = source('aiue', 'genai_spans') -%}
{%- set columns = ai_unit_economics.source_columns_by_name(source_relation) -%}
{%- set aliases = ai_unit_economics.attribute_aliases() -%}
{%- set lookup = {'kind': 'columns', 'columns': columns} -%}

with source as (

    select * from {{ source_relation }}

),

{%- set typed_columns = ai_unit_economics.span_typed_columns() %}
{#- A typed column's text is only needed where its typed value is null: absent, or out of
    range, which the rejection then names. Valid typed values skip the text entirely. -#}
mapped as (

    select
        {% for column in ai_unit_economics.span_mapped_columns() -%}
        {%- set groups = ai_unit_economics.own_name_alias(column) + aliases.get(column, []) -%}
        {%- set text = ai_unit_economics.aliased_value(groups, lookup) -%}
        {%- set typed = ai_unit_economics.flat_typed_value(column, typed_columns[column], groups, columns) if column in typed_columns else none -%}
        {%- if typed is not none -%}
        case when {{ typed }} is null then {{ text }} end as raw_{{ column }},
        {%- else -%}
        {{ text }} as raw_{{ column }},
        {%- endif %}
        {% endfor -%}
        {% for column, kind in typed_columns.items() -%}
        {{ ai_unit_economics.flat_typed_value(column, kind, ai_unit_economics.own_name_alias(column) + aliases.get(column, []), columns)
            or 'cast(null as ' ~ ai_unit_economics.typed_kind_type(kind) ~ ')' }} as typed_{{ column }},
        {% endfor -%}
        cast(null as {{ dbt.type_string() }}) as raw_duration_nanos,
        'flat' as source_layout,
        {{ ai_unit_economics.source_text(columns, ['_aiue_source_file']) }} as source_file,
        {{ ai_unit_economics.integer_column_or_null('_aiue_source_row', columns) }} as source_row_number
    from source

)

select * from mapped
