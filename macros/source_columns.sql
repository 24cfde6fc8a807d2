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
