{#- Raw tables differ: a CSV export has a handful of columns, a collector table many.
    Staging selects every contract column, reading it when the source has it and null
    otherwise, so a missing optional column is never an error. -#}

{% macro source_column_names(relation) -%}
  {%- set names = [] -%}
  {%- if execute -%}
    {%- for column in adapter.get_columns_in_relation(relation) -%}
      {%- do names.append(column.name | lower) -%}
    {%- endfor -%}
  {%- endif -%}
  {{ return(names) }}
{%- endmacro %}

{#- The column as cleaned text when present in `available`, else a typed null. -#}
{% macro text_column_or_null(column_name, available) -%}
  {%- if column_name in available -%}
    {{ ai_unit_economics.clean_text(column_name) }}
  {%- else -%}
    cast(null as {{ dbt.type_string() }})
  {%- endif -%}
{%- endmacro %}

{% macro integer_column_or_null(column_name, available) -%}
  {%- if column_name in available -%}
    {{ column_name }}
  {%- else -%}
    cast(null as {{ dbt.type_bigint() }})
  {%- endif -%}
{%- endmacro %}

{#- Source columns by lower-cased name -> (quoted name as the warehouse spells it, data type),
    so a ClickHouse-cased table (TraceId) works on case-sensitive engines. -#}
{% macro source_columns_by_name(relation) -%}
  {%- set columns = {} -%}
  {%- if execute -%}
    {%- for column in adapter.get_columns_in_relation(relation) -%}
      {%- do columns.update({column.name | lower: (adapter.quote(column.name), column.data_type | string)}) -%}
    {%- endfor -%}
  {%- endif -%}
  {{ return(columns) }}
{%- endmacro %}

{#- The first of `names` the source has, as text; typed null when it has none. -#}
{% macro source_text(columns, names) -%}
  {%- for name in names if name in columns -%}
    {%- if loop.first -%}{{ ai_unit_economics.clean_text(columns[name][0]) }}{%- endif -%}
  {%- else -%}
    cast(null as {{ dbt.type_string() }})
  {%- endfor -%}
{%- endmacro %}
