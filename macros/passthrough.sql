{#- Pass-through columns (var aiue_span_passthrough_columns): span attributes the package does
    not interpret (tenant, customer, agent, ...) carried as text from every span layout to
    aiue__llm_calls and aiue__intents (an intent's value is its first call's), and, for the ones
    marked `dimension: true`, on to aiue__unit_economics_daily, the metric views, `aiue metrics
    --by`, MetricFlow and the FOCUS export. An entry is a name, or
    {name, alias, keys, transform_sql, dimension} (Fivetran's {name, alias, transform_sql} plus
    the attribute keys to try and the dimension flag); see README "Pass-through columns". -#}

{#- The var, checked and filled in: a list of {name, alias, keys, transform_sql, dimension}. -#}
{% macro span_passthrough_columns() -%}
  {%- set configured = var('aiue_span_passthrough_columns', []) or [] -%}
  {%- if configured is string or configured is mapping -%}
    {%- set configured = [configured] -%}
  {%- endif -%}
  {#- Contract columns and the names the span and call models add to them. -#}
  {%- set reserved = ai_unit_economics.span_contract_columns() + ['call_id', 'intent_date', 'date_day',
      'call_date', 'currency', 'label_state', 'started_at', 'ended_at', 'duration_micros',
      'parsed_end_time', 'occurrence', 'rejection_rule', 'rejection_reason', 'rejection_kind',
      'is_inference', 'is_tool', 'is_intent_id_inferred', 'is_operation_inferred', 'tokens',
      'source_layout', 'source_file', 'source_row_number'] -%}
  {%- set columns = [] -%}
  {%- set seen = [] -%}
  {%- for entry in configured -%}
    {%- set item = entry if entry is mapping else {'name': entry} -%}
    {%- set name = item.get('name') -%}
    {%- if not name -%}
      {{ exceptions.raise_compiler_error(
          "var aiue_span_passthrough_columns, entry " ~ loop.index ~ ": give a name (the column or attribute key to read), e.g. {name: tenant.id, alias: tenant_id}") }}
    {%- endif -%}
    {%- set alias = (item.get('alias') or name) | string | lower -%}
    {%- if not modules.re.match('^[a-z_][a-z0-9_]*$', alias) -%}
      {{ exceptions.raise_compiler_error(
          "var aiue_span_passthrough_columns, entry " ~ loop.index ~ " ('" ~ name ~ "'): '" ~ alias
          ~ "' is not a plain column name; give an alias of letters, digits and underscores (e.g. alias: tenant_id)") }}
    {%- endif -%}
    {%- if alias in reserved or alias in seen -%}
      {{ exceptions.raise_compiler_error(
          "var aiue_span_passthrough_columns, entry " ~ loop.index ~ ": column '" ~ alias
          ~ "' is " ~ ("already a pass-through column" if alias in seen else "a column the package defines") ~ "; give another alias") }}
    {%- endif -%}
    {%- set keys = item.get('keys') or [] -%}
    {%- if keys is string -%}
      {%- set keys = [keys] -%}
    {%- endif -%}
    {%- do seen.append(alias) -%}
    {%- do columns.append({
        'name': name | string, 'alias': alias, 'keys': [name | string] + (keys | list),
        'transform_sql': item.get('transform_sql'),
        'dimension': item.get('dimension', false) in (true, 'true', 'True')}) -%}
  {%- endfor -%}
  {{ return(columns) }}
{%- endmacro %}

{#- The pass-through column names, in var order; dimensions_only: those marked dimension. -#}
{% macro passthrough_column_names(dimensions_only=false) -%}
  {%- set names = [] -%}
  {%- for column in ai_unit_economics.span_passthrough_columns() if column['dimension'] or not dimensions_only -%}
    {%- do names.append(column['alias']) -%}
  {%- endfor -%}
  {{ return(names) }}
{%- endmacro %}

{% macro passthrough_dimension_names() -%}
  {{ return(ai_unit_economics.passthrough_column_names(dimensions_only=true)) }}
{%- endmacro %}

{#- `prefix.column,` for each pass-through column (or dimension): for a select list or a group
    by, always ending in a comma so it sits before the next column. -#}
{% macro passthrough_list(prefix='', dimensions_only=false) -%}
  {%- for name in ai_unit_economics.passthrough_column_names(dimensions_only) %}
        {{ prefix }}{{ name }},
  {%- endfor %}
{%- endmacro %}

{#- `cast(null as text) as column,` for each: rows that have no span behind them. -#}
{% macro passthrough_nulls(dimensions_only=false) -%}
  {%- for name in ai_unit_economics.passthrough_column_names(dimensions_only) %}
        cast(null as {{ dbt.type_string() }}) as {{ name }},
  {%- endfor %}
{%- endmacro %}

{#- The layout models' alias groups for the pass-through columns: the entry's name, then its
    keys, as application attributes (span attributes, then resource attributes; inside the
    gateways' metadata JSON). -#}
{% macro passthrough_alias_groups() -%}
  {%- set groups = [] -%}
  {%- for column in ai_unit_economics.span_passthrough_columns() -%}
    {%- for key in column['keys'] -%}
      {%- do groups.append({'column': column['alias'], 'key': key, 'value_path': none,
          'priority': loop.index - 2000, 'values': [], 'passthrough': true, 'app': true}) -%}
    {%- endfor -%}
  {%- endfor -%}
  {{ return(groups) }}
{%- endmacro %}

{#- int_aiue__spans_parsed: each pass-through column from its raw text, through its
    transform_sql (SQL over the column's alias, as Fivetran's packages apply it). -#}
{% macro passthrough_transformed() -%}
  {%- for column in ai_unit_economics.span_passthrough_columns() %}
        {{ column['transform_sql'] or column['alias'] }} as {{ column['alias'] }},
  {%- endfor %}
{%- endmacro %}

{#- A text key of the pass-through dimensions for a row id: `|value|value`. -#}
{% macro passthrough_key_parts() -%}
  {%- set parts = [] -%}
  {%- for name in ai_unit_economics.passthrough_dimension_names() -%}
    {%- do parts.extend(["'|'", "coalesce(" ~ name ~ ", '')"]) -%}
  {%- endfor -%}
  {{ return(parts) }}
{%- endmacro %}

{#- var aiue_budget_scopes, each scope's column checked against aiue__unit_economics_daily's
    dimensions (its own and the pass-through ones): a clear error rather than a budget that
    silently matches nothing. -#}
{% macro budget_scopes() -%}
  {%- set scopes = var('aiue_budget_scopes') -%}
  {%- set available = ['feature_tag', 'provider_name', 'response_model', 'currency']
      + ai_unit_economics.passthrough_dimension_names() -%}
  {%- for scope, column in scopes.items() if column not in available -%}
    {{ exceptions.raise_compiler_error(
        "var aiue_budget_scopes: scope '" ~ scope ~ "' names column '" ~ column
        ~ "', which aiue__unit_economics_daily does not have (its dimensions: " ~ available | join(', ')
        ~ "). Map the scope to one of them, drop it from aiue_budget_scopes, or add the column to var "
        ~ "aiue_span_passthrough_columns with dimension: true.") }}
  {%- endfor -%}
  {{ return(scopes) }}
{%- endmacro %}

{#- `, column` for each pass-through column (or dimension), after the last column of a list
    (the generated metric views). -#}
{% macro passthrough_after(dimensions_only=false) -%}
  {%- for name in ai_unit_economics.passthrough_column_names(dimensions_only) -%}
    , {{ name }}
  {%- endfor -%}
{%- endmacro %}
