{#- Raw tables differ: a CSV export has a handful of columns, a collector table many.
    Staging selects every contract column, reading it when the source has it and null
    otherwise, so a missing optional column is never an error. -#}

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
      {%- do columns.update({column.name | lower: (ai_unit_economics.quote_identifier(column.name), column.data_type | string)}) -%}
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

{#- A column name from the data (a source table's header) as a quoted identifier, with the
    engine's quote character escaped inside it: no name from input is ever read as SQL.
    (adapter.quote does not escape.) -#}
{% macro quote_identifier(name) -%}
  {{ return(adapter.dispatch('quote_identifier', 'ai_unit_economics')(name)) }}
{%- endmacro %}

{% macro default__quote_identifier(name) -%}
  {{ return('"' ~ (name | string | replace('"', '""')) ~ '"') }}
{%- endmacro %}

{% macro spark__quote_identifier(name) -%}
  {{ return('`' ~ (name | string | replace('`', '``')) ~ '`') }}
{%- endmacro %}

{% macro databricks__quote_identifier(name) -%}
  {{ return(ai_unit_economics.spark__quote_identifier(name)) }}
{%- endmacro %}

{% macro bigquery__quote_identifier(name) -%}
  {{ return('`' ~ (name | string | replace('\\', '\\\\') | replace('`', '\\`')) ~ '`') }}
{%- endmacro %}
