{#- Telemetry as it arrives (docs/telemetry.md): which span layouts are read, how an attribute
    map is read on each engine, and which attribute fills which genai_spans contract column
    (the aiue_attribute_aliases seed plus the var aiue_app_attribute_keys). -#}

{#- Each span layout and its staging model (int_aiue__spans_parsed unions them in this order). -#}
{% macro span_layout_models() -%}
  {{ return({
    'flat': 'stg_aiue__otel_flat_spans',
    'otel_traces': 'stg_aiue__otel_traces_spans',
    'litellm': 'stg_aiue__litellm_spend_logs',
    'langfuse': 'stg_aiue__langfuse_observations'}) }}
{%- endmacro %}

{#- The span layouts var aiue_spans_layout names: a name, a comma-separated list or a list. -#}
{% macro spans_layouts() -%}
  {%- set known = ai_unit_economics.span_layout_models().keys() | list -%}
  {%- set configured = var('aiue_spans_layout', 'flat') -%}
  {%- if configured is string -%}
    {%- set configured = configured.split(',') -%}
  {%- endif -%}
  {%- set layouts = [] -%}
  {%- for layout in configured -%}
    {%- set name = layout | string | trim | lower -%}
    {%- if name not in known -%}
      {{ exceptions.raise_compiler_error(
          "var aiue_spans_layout: unknown layout '" ~ name ~ "'; choose from " ~ known | join(', ')) }}
    {%- endif -%}
    {%- do layouts.append(name) -%}
  {%- endfor -%}
  {%- if not layouts -%}
    {{ exceptions.raise_compiler_error("var aiue_spans_layout names no layout; choose from " ~ known | join(', ')) }}
  {%- endif -%}
  {{ return(layouts) }}
{%- endmacro %}

{% macro is_layout_enabled(layout) -%}
  {{ return(layout in ai_unit_economics.spans_layouts()) }}
{%- endmacro %}

{#- Langfuse scores: var aiue__using_langfuse_scores true or false; null (the default): when
    the langfuse layout is read (the model then reads the table if it exists). -#}
{% macro is_using_langfuse_scores() -%}
  {%- set flag = var('aiue__using_langfuse_scores', none) -%}
  {%- if flag is not none -%}
    {{ return(flag) }}
  {%- endif -%}
  {{ return(ai_unit_economics.is_layout_enabled('langfuse')) }}
{%- endmacro %}


{#- One attribute of a map column as text, null when absent. The column's type decides how:
    a MAP (DuckDB, Spark), JSON/JSONB or JSON text (Postgres, and a text column anywhere),
    VARIANT/OBJECT (Snowflake), JSON (BigQuery). -#}
{% macro map_value(map_expression, key, data_type='') -%}
  {{ return(adapter.dispatch('map_value', 'ai_unit_economics')(map_expression, key, data_type)) }}
{%- endmacro %}

{% macro default__map_value(map_expression, key, data_type) -%}
  {{ ai_unit_economics.json_path_text(map_expression, [key]) }}
{%- endmacro %}

{% macro duckdb__map_value(map_expression, key, data_type) -%}
  {%- if 'MAP' in data_type | upper -%}
    {{ map_expression }}['{{ key | replace("'", "''") }}']
  {%- else -%}
    {{ ai_unit_economics.json_path_text(map_expression, [key]) }}
  {%- endif -%}
{%- endmacro %}

{% macro spark__map_value(map_expression, key, data_type) -%}
  {%- if 'MAP' in data_type | upper -%}
    try_element_at({{ map_expression }}, '{{ key | replace("'", "") }}')
  {%- else -%}
    {{ ai_unit_economics.json_path_text(map_expression, [key]) }}
  {%- endif -%}
{%- endmacro %}

{% macro postgres__map_value(map_expression, key, data_type) -%}
  (cast({{ map_expression }} as jsonb) ->> '{{ key | replace("'", "''") }}')
{%- endmacro %}

{#- Snowflake: a VARIANT or OBJECT column (the Collector's maps loaded as semi-structured). -#}
{% macro snowflake__map_value(map_expression, key, data_type) -%}
  {%- if data_type | upper in ('VARIANT', 'OBJECT') -%}
    get({{ map_expression }}, '{{ key | replace("'", "''") }}')::string
  {%- else -%}
    {{ ai_unit_economics.json_path_text(map_expression, [key]) }}
  {%- endif -%}
{%- endmacro %}

{% macro bigquery__map_value(map_expression, key, data_type) -%}
  json_value({{ map_expression }}, '$."{{ key | replace("'", "") | replace('"', '') }}"')
{%- endmacro %}


{#- A value inside JSON text (or a JSON column) by a path of keys, as text; null when absent.
    Text that is not JSON gives null on DuckDB, Spark and Snowflake; on Postgres it must be
    JSON (a json/jsonb column always is; `aiue run` checks the JSON columns it loads). -#}
{% macro json_path_text(json_expression, keys) -%}
  {{ return(adapter.dispatch('json_path_text', 'ai_unit_economics')(json_expression, keys)) }}
{%- endmacro %}

{% macro default__json_path_text(json_expression, keys) -%}
  json_extract_path_text({{ json_expression }}, {% for key in keys %}'{{ key | replace("'", "''") }}'{{ ", " if not loop.last }}{% endfor %})
{%- endmacro %}

{% macro duckdb__json_path_text(json_expression, keys) -%}
  case
    when json_valid({{ json_expression }})
      then json_extract_string({{ json_expression }}, '${% for key in keys %}."{{ key | replace("'", "''") | replace('"', '\\"') }}"{% endfor %}')
  end
{%- endmacro %}

{% macro postgres__json_path_text(json_expression, keys) -%}
  (cast({{ json_expression }} as jsonb) #>> '{ {%- for key in keys -%}"{{ key | replace("'", "''") | replace('"', '') }}"{{ "," if not loop.last }}{%- endfor -%} }')
{%- endmacro %}

{% macro spark__json_path_text(json_expression, keys) -%}
  get_json_object({{ json_expression }}, '${% for key in keys %}[\'{{ key | replace("'", "") }}\']{% endfor %}')
{%- endmacro %}

{% macro snowflake__json_path_text(json_expression, keys) -%}
  get_path(try_parse_json({{ json_expression }}), '{% for key in keys %}"{{ key | replace("'", "''") | replace('"', '') }}"{{ "." if not loop.last }}{% endfor %}')::string
{%- endmacro %}

{% macro bigquery__json_path_text(json_expression, keys) -%}
  json_value({{ json_expression }}, '${% for key in keys %}."{{ key | replace("'", "") | replace('"', '') }}"{% endfor %}')
{%- endmacro %}


{#- The first of `keys` a JSON object has, as cleaned text. -#}
{% macro json_first_text(json_expression, keys) -%}
  coalesce(
    {%- for key in keys %}
    {{ ai_unit_economics.clean_text(ai_unit_economics.json_path_text(json_expression, [key])) }}{{ "," if not loop.last }}
    {%- endfor %}
  )
{%- endmacro %}


{#- Sum of the numeric values of the keys of a JSON object that contain `fragment`
    (Langfuse's usageDetails: every key with 'input' is an input usage type), in fixed point
    so that costs like 8e-05 + 0.0003 add up exactly. Null when no key matches. -#}
{% macro json_sum_keys_containing(json_expression, fragment) -%}
  {{ return(adapter.dispatch('json_sum_keys_containing', 'ai_unit_economics')(json_expression, fragment)) }}
{%- endmacro %}

{#- Only the engines `aiue run` loads Langfuse files into. -#}
{% macro default__json_sum_keys_containing(json_expression, fragment) -%}
  {{ exceptions.raise_compiler_error(
      "json_sum_keys_containing (Langfuse usageDetails) has no " ~ target.type
      ~ " variant; add one through the dispatch config (see docs/telemetry.md).") }}
{%- endmacro %}

{% macro duckdb__json_sum_keys_containing(json_expression, fragment) -%}
  case
    when json_valid({{ json_expression }}) and json_type(json({{ json_expression }})) = 'OBJECT'
      then list_sum(list_transform(
        list_filter(
          map_entries(cast(json({{ json_expression }}) as map(varchar, varchar))),
          lambda entry: contains(entry.key, '{{ fragment }}')),
        lambda entry: try_cast(entry.value as {{ ai_unit_economics.type_money() }})))
  end
{%- endmacro %}

{% macro postgres__json_sum_keys_containing(json_expression, fragment) -%}
  case
    when jsonb_typeof(cast({{ json_expression }} as jsonb)) = 'object' then (
      select sum(case
          when entry.value ~ '^-?[0-9]+([.][0-9]+)?([eE][-+]?[0-9]+)?$'
            then cast(entry.value as {{ ai_unit_economics.type_money() }})
        end)
      from jsonb_each_text(cast({{ json_expression }} as jsonb)) as entry
      where position('{{ fragment }}' in entry.key) > 0)
  end
{%- endmacro %}

{% macro spark__json_sum_keys_containing(json_expression, fragment) -%}
  aggregate(
    map_values(map_filter(
      from_json({{ json_expression }}, 'map<string,string>'),
      (k, v) -> instr(k, '{{ fragment }}') > 0)),
    cast(null as {{ ai_unit_economics.type_money() }}),
    (total, value) -> cast(
      coalesce(total, 0) + coalesce(cast(value as {{ ai_unit_economics.type_money() }}), 0)
      as {{ ai_unit_economics.type_money() }}))
{%- endmacro %}


{#- ---------------------------------------------------------------------------------------
    Aliases: contract column <- attribute key. Read at compile time from the
    aiue_attribute_aliases seed (a build loads it before the layout models, which
    depend on it), plus the application attribute keys of var aiue_app_attribute_keys (first,
    in list order). Returns, per contract column, groups of {key, value_path, values,
    passthrough} in priority order. -#}
{% macro attribute_aliases() -%}
  {%- set by_column = {} -%}
  {%- set groups = ai_unit_economics.passthrough_alias_groups() -%}
  {%- set app_keys = var('aiue_app_attribute_keys', {}) -%}
  {%- for column, keys in app_keys.items() -%}
    {%- for key in keys -%}
      {%- if key is mapping -%}
        {%- do groups.append({'column': column, 'key': key['key'], 'value_path': key.get('value_path'), 'priority': loop.index - 1000, 'values': [], 'passthrough': true, 'app': true}) -%}
      {%- else -%}
        {%- do groups.append({'column': column, 'key': key, 'value_path': none, 'priority': loop.index - 1000, 'values': [], 'passthrough': true, 'app': true}) -%}
      {%- endif -%}
    {%- endfor -%}
  {%- endfor -%}
  {%- for row in ai_unit_economics.attribute_alias_rows() -%}
    {%- set found = [] -%}
    {%- for group in groups if group['column'] == row['contract_column'] and group['key'] == row['attribute_key'] and group['value_path'] == row['value_path'] -%}
      {%- do found.append(group) -%}
    {%- endfor -%}
    {%- if found -%}
      {%- set group = found[0] -%}
    {%- else -%}
      {%- set group = {'column': row['contract_column'], 'key': row['attribute_key'], 'value_path': row['value_path'], 'priority': row['priority'], 'values': [], 'passthrough': false, 'app': false} -%}
      {%- do groups.append(group) -%}
    {%- endif -%}
    {%- if row['when_value'] is none -%}
      {%- do group.update({'passthrough': true}) -%}
    {%- else -%}
      {%- do group['values'].append((row['when_value'] | lower, row['then_value'])) -%}
    {%- endif -%}
  {%- endfor -%}
  {%- for group in groups | sort(attribute='priority') -%}
    {%- do by_column.setdefault(group['column'], []).append(group) -%}
  {%- endfor -%}
  {{ return(by_column) }}
{%- endmacro %}

{#- The checked rows of the aiue_attribute_aliases seed, cleaned: the staging model's query,
    and what the layout models read when they compile (from the seed, which a build loads
    before them, so no staging model depends on another). -#}
{% macro attribute_aliases_select() -%}
{{ ai_unit_economics.seed_source('aiue_attribute_aliases') }},

final as (

    select
        lower({{ ai_unit_economics.clean_text('contract_column') }}) as contract_column,
        {{ ai_unit_economics.clean_text('attribute_key') }} as attribute_key,
        {{ ai_unit_economics.clean_text('value_path') }} as value_path,
        {{ ai_unit_economics.clean_text('when_value') }} as when_value,
        {{ ai_unit_economics.clean_text('then_value') }} as then_value,
        lower({{ ai_unit_economics.clean_text('convention') }}) as convention,
        {{ ai_unit_economics.parse_integer(ai_unit_economics.clean_text('priority')) }} as priority,
        {{ ai_unit_economics.clean_text('priority') }} as raw_priority
    from source

)

select * from final
{%- endmacro %}

{% macro attribute_alias_rows() -%}
  {%- if not execute -%}
    {{ return([]) }}
  {%- endif -%}
  {%- set seed = ai_unit_economics.seed_relation('aiue_attribute_aliases') -%}
  {%- if load_relation(seed) is none -%}
    {%- if flags.WHICH in ('run', 'build') -%}
      {{ exceptions.raise_compiler_error(
          "the aiue_attribute_aliases seed is not loaded: run `dbt build` (or `dbt seed` "
          ~ "first) so the span layouts can read it.") }}
    {%- endif -%}
    {{ return([]) }}
  {%- endif -%}
  {%- set result = run_query(
      "select contract_column, attribute_key, priority, value_path, when_value, then_value from ("
      ~ ai_unit_economics.attribute_aliases_select()
      ~ ") as aliases where contract_column is not null and attribute_key is not null") -%}
  {%- set rows = [] -%}
  {%- for row in result.rows -%}
    {%- do rows.append({
        'contract_column': row[0], 'attribute_key': row[1],
        'priority': (row[2] if row[2] is not none else 1000000) | int,
        'value_path': row[3], 'when_value': row[4], 'then_value': row[5]}) -%}
  {%- endfor -%}
  {{ return(rows | sort(attribute='priority')) }}
{%- endmacro %}

{#- Where a layout finds an alias key:
    {'kind': 'columns', 'columns': source_columns_by_name(...)}: a column of that name;
    {'kind': 'maps', 'span': (expression, type), 'resource': (expression, type)}: the span's
      attribute map, and for application attributes the resource's after it;
    {'kind': 'document', 'documents': [(expression, [path keys])]}: application attributes only,
      inside JSON metadata. Returns the SQL, or none when the source cannot have the key. -#}
{% macro alias_lookup(source, key, is_app) -%}
  {%- if source['kind'] == 'columns' -%}
    {%- if key | lower in source['columns'] -%}
      {{ return(source['columns'][key | lower][0]) }}
    {%- endif -%}
    {{ return(none) }}
  {%- elif source['kind'] == 'maps' -%}
    {%- set span = ai_unit_economics.map_value(source['span'][0], key, source['span'][1]) -%}
    {%- if is_app and source.get('resource') -%}
      {{ return('coalesce(' ~ span ~ ', ' ~ ai_unit_economics.map_value(source['resource'][0], key, source['resource'][1]) ~ ')') }}
    {%- endif -%}
    {{ return(span) }}
  {%- elif source['kind'] == 'document' -%}
    {%- if not is_app -%}
      {{ return(none) }}
    {%- endif -%}
    {%- set values = [] -%}
    {%- for expression, path in source['documents'] -%}
      {%- do values.append(ai_unit_economics.json_path_text(expression, path + [key])) -%}
    {%- endfor -%}
    {{ return('coalesce(' ~ values | join(', ') ~ ')' if values | length > 1 else values[0]) }}
  {%- endif -%}
  {{ exceptions.raise_compiler_error("alias_lookup: unknown source kind " ~ source['kind']) }}
{%- endmacro %}

{#- The SQL of one alias group: its key looked up in `source`, read inside by its
    value_path, cleaned; none when the source cannot have the key. -#}
{% macro alias_group_value(group, source) -%}
  {%- set value = ai_unit_economics.alias_lookup(source, group['key'], group['app']) -%}
  {%- if not value -%}
    {{ return(none) }}
  {%- endif -%}
  {%- if group['value_path'] -%}
    {%- set value = ai_unit_economics.json_path_text(value, group['value_path'].split('.')) -%}
  {%- endif -%}
  {{ return(ai_unit_economics.clean_text(value)) }}
{%- endmacro %}

{#- For map and JSON sources: every alias value the contract columns need, once, as
    columns attribute_1, attribute_2, ... (so each map lookup is computed once, and Spark's
    code generation stays small). Returns {'select': [sql], 'names': {group id: column}}. -#}
{% macro alias_attribute_columns(aliases, contract_columns, source) -%}
  {%- set selects = [] -%}
  {%- set names = {} -%}
  {%- set by_sql = {} -%}
  {%- for column in contract_columns -%}
    {%- for group in aliases.get(column, []) -%}
      {%- set value = ai_unit_economics.alias_group_value(group, source) -%}
      {%- if value -%}
        {%- if value not in by_sql -%}
          {%- set name = 'attribute_' ~ (by_sql | length + 1) -%}
          {%- do by_sql.update({value: name}) -%}
          {%- do selects.append(value ~ ' as ' ~ name) -%}
        {%- endif -%}
        {%- do names.update({ai_unit_economics.alias_group_id(group): by_sql[value]}) -%}
      {%- endif -%}
    {%- endfor -%}
  {%- endfor -%}
  {{ return({'select': selects, 'names': names}) }}
{%- endmacro %}

{#- A flat table's own column of the contract name, tried before any alias. -#}
{% macro own_name_alias(column) -%}
  {{ return([{'key': column, 'value_path': none, 'values': [], 'passthrough': true, 'app': false}]) }}
{%- endmacro %}

{% macro alias_group_id(group) -%}
  {{ return(group['key'] ~ '|' ~ (group['value_path'] or '') ~ '|' ~ group['app']) }}
{%- endmacro %}

{#- A contract column from its alias groups: the first alias that has a value, in priority
    order; a value_path reads inside the value; when_value rows translate values (a value
    no row names passes through only when the key also has a row without when_value).
    With `names` (from alias_attribute_columns), each alias is a column already computed;
    without, it is looked up in `source` inline (flat tables: a plain column). -#}
{% macro aliased_value(groups, source, names=none) -%}
  {%- set parts = [] -%}
  {%- for group in groups -%}
    {%- if names is not none -%}
      {%- set value = names.get(ai_unit_economics.alias_group_id(group)) -%}
    {%- else -%}
      {%- set value = ai_unit_economics.alias_group_value(group, source) -%}
    {%- endif -%}
    {%- if value and value not in parts -%}
      {%- if group['values'] -%}
        {%- set translated -%}
          case lower({{ value }})
            {%- for when_value, then_value in group['values'] %}
            when '{{ when_value | replace("'", "''") }}' then '{{ then_value | replace("'", "''") }}'
            {%- endfor %}
            {%- if group['passthrough'] %}
            else {{ value }}
            {%- endif %}
          end
        {%- endset -%}
        {%- do parts.append(translated) -%}
      {%- else -%}
        {%- do parts.append(value) -%}
      {%- endif -%}
    {%- endif -%}
  {%- endfor -%}
  {%- if parts | length == 0 -%}
    cast(null as {{ dbt.type_string() }})
  {%- elif parts | length == 1 -%}
    {{ parts[0] }}
  {%- else -%}
    coalesce({{ parts | join(', ') }})
  {%- endif -%}
{%- endmacro %}


{#- The genai_spans contract columns every layout model emits as raw text (raw_<name>), in
    order; int_aiue__spans_parsed parses them. -#}
{% macro span_contract_columns() -%}
  {{ return([
    'trace_id', 'span_id', 'parent_span_id', 'span_name', 'start_time', 'end_time',
    'status_code', 'service_name', 'operation_name', 'provider_name', 'request_model',
    'response_model', 'response_id', 'conversation_id', 'input_tokens', 'output_tokens',
    'cache_read_input_tokens', 'cache_creation_input_tokens', 'reasoning_output_tokens',
    'text_input_tokens', 'image_input_tokens', 'audio_input_tokens', 'video_input_tokens',
    'text_output_tokens', 'audio_output_tokens', 'error_type', 'tool_name', 'feature_tag',
    'intent_id', 'attempt', 'turn_index', 'prompt_version', 'prompt_name', 'reasoning_level', 'user_id', 'reported_cost',
    'reported_cost_currency', 'reported_cost_source', 'reported_inference_calls',
    'reported_tool_calls']) }}
{%- endmacro %}

{#- The contract's counts: non-negative whole numbers, parsed and checked alike. -#}
{% macro span_count_columns() -%}
  {{ return(['input_tokens', 'output_tokens', 'cache_read_input_tokens',
    'cache_creation_input_tokens', 'reasoning_output_tokens']
    + ai_unit_economics.modality_token_columns()
    + ['attempt', 'turn_index', 'reported_inference_calls', 'reported_tool_calls']) }}
{%- endmacro %}

{#- Per-modality token counts: subsets of input_tokens / output_tokens, never added to them. -#}
{% macro modality_token_columns(side=none) -%}
  {%- set columns = {
    'input': ['text_input_tokens', 'image_input_tokens', 'audio_input_tokens', 'video_input_tokens'],
    'output': ['text_output_tokens', 'audio_output_tokens']} -%}
  {{ return(columns[side] if side else columns['input'] + columns['output']) }}
{%- endmacro %}

{#- The sum of one side's modality counts (a missing count is 0). -#}
{% macro modality_sum(side) -%}
  {%- set terms = [] -%}
  {%- for column in ai_unit_economics.modality_token_columns(side) -%}
    {%- do terms.append('coalesce(' ~ column ~ ', 0)') -%}
  {%- endfor -%}
  {{ return('(' ~ terms | join(' + ') ~ ')') }}
{%- endmacro %}

{#- Contract columns a layout can also give typed (typed_<name>, of the kind's type), when
    its source column is already a number or timestamp (Parquet, a warehouse table):
    int_aiue__spans_parsed takes the typed value and parses raw_<name> only when it is null. -#}
{% macro span_typed_columns() -%}
  {{ return({
    'start_time': 'timestamp', 'end_time': 'timestamp',
    'input_tokens': 'count', 'output_tokens': 'count', 'cache_read_input_tokens': 'count',
    'cache_creation_input_tokens': 'count', 'reasoning_output_tokens': 'count',
    'text_input_tokens': 'count', 'image_input_tokens': 'count', 'audio_input_tokens': 'count',
    'video_input_tokens': 'count', 'text_output_tokens': 'count', 'audio_output_tokens': 'count',
    'attempt': 'count', 'turn_index': 'count', 'reported_inference_calls': 'count',
    'reported_tool_calls': 'count', 'reported_cost': 'money'}) }}
{%- endmacro %}

{#- The columns a layout model maps: the contract's, then the pass-through columns. -#}
{% macro span_mapped_columns() -%}
  {{ return(ai_unit_economics.span_contract_columns() + ai_unit_economics.passthrough_column_names()) }}
{%- endmacro %}

{#- The columns of a layout model: raw_<mapped column> text, typed_<column> values, the
    span's duration in nanoseconds (otel_traces), where it came from. -#}
{% macro layout_output_columns() -%}
  {%- set columns = [] -%}
  {%- for column in ai_unit_economics.span_mapped_columns() -%}
    {%- do columns.append('raw_' ~ column) -%}
  {%- endfor -%}
  {%- for column in ai_unit_economics.span_typed_columns() -%}
    {%- do columns.append('typed_' ~ column) -%}
  {%- endfor -%}
  {{ return(columns + ['raw_duration_nanos', 'source_layout', 'source_file', 'source_row_number']) }}
{%- endmacro %}

{#- typed_<column> for a layout whose source is text: typed nulls. -#}
{% macro typed_null_columns() -%}
  {%- for column, kind in ai_unit_economics.span_typed_columns().items() -%}
    cast(null as {{ ai_unit_economics.typed_kind_type(kind) }}) as typed_{{ column }},
  {% endfor -%}
{%- endmacro %}

{#- typed_<column> of a flat table: the typed value when the first alias column the source
    has is typed (a later alias is then only read as text, when the first is null). -#}
{% macro flat_typed_value(column, kind, groups, columns) -%}
  {%- for group in groups if group['key'] | lower in columns -%}
    {%- if loop.first and not group['values'] and not group['value_path'] -%}
      {%- set found = columns[group['key'] | lower] -%}
      {%- set typed = ai_unit_economics.typed_value(kind, found[0], found[1]) -%}
      {%- if typed is not none -%}
        {{ return(typed) }}
      {%- endif -%}
    {%- endif -%}
  {%- endfor -%}
  {{ return(none) }}
{%- endmacro %}

{#- A layout that is switched off: no rows, the same typed columns, no source read. -#}
{% macro empty_layout_select(layout) -%}
  select
    {%- set typed = ai_unit_economics.span_typed_columns() %}
    {%- for column in ai_unit_economics.layout_output_columns() %}
    {%- if column == 'source_row_number' %}
    cast(null as {{ dbt.type_bigint() }}) as {{ column }}
    {%- elif column.startswith('typed_') %}
    cast(null as {{ ai_unit_economics.typed_kind_type(typed[column[6:]]) }}) as {{ column }},
    {%- else %}
    cast(null as {{ dbt.type_string() }}) as {{ column }},
    {%- endif %}
    {%- endfor %}
  from {{ ref('aiue_attribute_aliases') }}
  where 1 = 0
{%- endmacro %}


{#- ---------------------------------------------------------------------------------------
    Span events, long form: one row per attribute of an event (an event with no attributes:
    one row with a null key). `relation` has trace_id, span_id, event_timestamps,
    event_names, event_attributes (parallel lists: the Collector's Events.* columns),
    source_file, source_row_number; `types` the data types of the three list columns. -#}
{% macro span_events_exploded(relation, types={}) -%}
  {{ return(adapter.dispatch('span_events_exploded', 'ai_unit_economics')(relation, types)) }}
{%- endmacro %}

{#- Snowflake: VARIANT arrays (the Collector's lists loaded as semi-structured). -#}
{% macro default__span_events_exploded(relation, types) -%}
  select
    events.trace_id,
    events.span_id,
    names.index + 1 as event_index,
    names.value::string as event_name,
    events.event_timestamps[names.index]::string as raw_event_at,
    attributes.key as attribute_key,
    attributes.value::string as attribute_value,
    events.source_file,
    events.source_row_number
  from {{ relation }} as events,
    lateral flatten(input => events.event_names) as names,
    lateral flatten(input => events.event_attributes[names.index], outer => true) as attributes
{%- endmacro %}

{% macro duckdb__span_events_exploded(relation, types) -%}
  select
    trace_id,
    span_id,
    event_index,
    event_name,
    raw_event_at,
    entry.key as attribute_key,
    entry.value as attribute_value,
    source_file,
    source_row_number
  from (
    select
      trace_id,
      span_id,
      event_index,
      event_name,
      raw_event_at,
      unnest(
        case
          when cardinality(event_attributes) > 0 then map_entries(event_attributes)
          else [cast(null as struct(key varchar, value varchar))]
        end
      ) as entry,
      source_file,
      source_row_number
    from (
      select
        trace_id,
        span_id,
        unnest(event_names) as event_name,
        unnest(event_timestamps) as raw_event_at,
        unnest(event_attributes) as event_attributes,
        generate_subscripts(event_names, 1) as event_index,
        source_file,
        source_row_number
      from {{ relation }}
    ) as events
  ) as attributes
{%- endmacro %}

{% macro spark__span_events_exploded(relation, types) -%}
  select
    spans.trace_id,
    spans.span_id,
    events.event_position + 1 as event_index,
    events.event.event_names as event_name,
    events.event.event_timestamps as raw_event_at,
    attributes.attribute_key,
    attributes.attribute_value,
    spans.source_file,
    spans.source_row_number
  from {{ relation }} as spans
  lateral view posexplode(
    arrays_zip(spans.event_timestamps, spans.event_names, spans.event_attributes)
  ) events as event_position, event
  lateral view outer explode(events.event.event_attributes) attributes as attribute_key, attribute_value
{%- endmacro %}

{#- Postgres: jsonb (or json, or JSON text) arrays; Postgres arrays work too. -#}
{% macro postgres__span_events_exploded(relation, types) -%}
  {%- set as_jsonb = {} -%}
  {%- for column in ['event_timestamps', 'event_names', 'event_attributes'] -%}
    {%- set kind = types.get(column, '') | lower -%}
    {%- if kind.startswith('_') or 'array' in kind or kind.endswith(']') -%}
      {%- do as_jsonb.update({column: 'to_jsonb(spans.' ~ column ~ ')'}) -%}
    {%- else -%}
      {%- do as_jsonb.update({column: 'cast(spans.' ~ column ~ ' as jsonb)'}) -%}
    {%- endif -%}
  {%- endfor -%}
  select
    spans.trace_id,
    spans.span_id,
    names.event_index,
    names.event_name,
    {{ as_jsonb['event_timestamps'] }} ->> (cast(names.event_index as integer) - 1) as raw_event_at,
    attributes.key as attribute_key,
    attributes.value as attribute_value,
    spans.source_file,
    spans.source_row_number
  from {{ relation }} as spans
  cross join lateral jsonb_array_elements_text({{ as_jsonb['event_names'] }})
    with ordinality as names(event_name, event_index)
  left join lateral jsonb_each_text(
    case
      when jsonb_typeof({{ as_jsonb['event_attributes'] }} -> (cast(names.event_index as integer) - 1)) = 'object'
        then {{ as_jsonb['event_attributes'] }} -> (cast(names.event_index as integer) - 1)
    end
  ) as attributes(key, value) on true
{%- endmacro %}

{#- BigQuery: JSON arrays (JSON_KEYS needs a current BigQuery). -#}
{% macro bigquery__span_events_exploded(relation, types) -%}
  select
    spans.trace_id,
    spans.span_id,
    event_offset + 1 as event_index,
    event_name,
    json_value(spans.event_timestamps[safe_offset(event_offset)]) as raw_event_at,
    attribute_key,
    json_value(spans.event_attributes[safe_offset(event_offset)], concat('$."', attribute_key, '"')) as attribute_value,
    spans.source_file,
    spans.source_row_number
  from {{ relation }} as spans
  cross join unnest(json_value_array(spans.event_names)) as event_name with offset as event_offset
  left join unnest(json_keys(spans.event_attributes[safe_offset(event_offset)], 1)) as attribute_key
{%- endmacro %}


{#- No events: the typed columns of the events model, no rows. -#}
{% macro empty_events_select() -%}
  select
    cast(null as {{ dbt.type_string() }}) as trace_id,
    cast(null as {{ dbt.type_string() }}) as span_id,
    cast(null as {{ dbt.type_bigint() }}) as event_index,
    cast(null as {{ dbt.type_string() }}) as event_name,
    cast(null as {{ dbt.type_string() }}) as raw_event_at,
    cast(null as {{ dbt.type_string() }}) as attribute_key,
    cast(null as {{ dbt.type_string() }}) as attribute_value,
    cast(null as {{ dbt.type_string() }}) as source_file,
    cast(null as {{ dbt.type_bigint() }}) as source_row_number
  from {{ ref('aiue_attribute_aliases') }}
  where 1 = 0
{%- endmacro %}
