{#- Building blocks for billing (FOCUS) ingestion and cost allocation. Engine-specific SQL
    only through dispatchers with a default__ and the adapter variants that need it. -#}


{#- The raw tables' columns as {lower-case name: name as stored}, so a model can refer to
    BilledCost, billedcost or "BILLEDCOST" alike (quoted, so case-sensitive engines work). -#}
{% macro source_columns_by_lower_name(relation) -%}
  {%- set names = {} -%}
  {%- if execute and relation is not none -%}
    {%- for column in adapter.get_columns_in_relation(relation) -%}
      {%- do names.update({column.name | lower: column.name}) -%}
    {%- endfor -%}
  {%- endif -%}
  {{ return(names) }}
{%- endmacro %}

{#- A column of the source as cleaned text ('' and literal NULL become null), or a typed null. -#}
{% macro source_text_or_null(lower_name, columns) -%}
  {%- if lower_name in columns -%}
    {{ ai_unit_economics.clean_text(ai_unit_economics.quote_identifier(columns[lower_name])) }}
  {%- else -%}
    cast(null as {{ dbt.type_string() }})
  {%- endif -%}
{%- endmacro %}


{#- A number as FOCUS exports write it: plain, signed, with decimals or an exponent
    ('8e-07' from a Parquet double). Anything else gives null for a rejection to name. -#}
{% macro parse_amount(expression) -%}
  {{ ai_unit_economics.parse_decimal(expression) }}
{%- endmacro %}


{#- Case-insensitive regex match of an expression against a pattern held in a column. -#}
{% macro regex_matches_column(expression, pattern_expression) -%}
  {{ return(adapter.dispatch('regex_matches_column', 'ai_unit_economics')(expression, pattern_expression)) }}
{%- endmacro %}

{% macro default__regex_matches_column(expression, pattern_expression) -%}
  regexp_like({{ expression }}, {{ pattern_expression }}, 'i')
{%- endmacro %}

{% macro duckdb__regex_matches_column(expression, pattern_expression) -%}
  regexp_matches({{ expression }}, {{ pattern_expression }}, 'i')
{%- endmacro %}

{% macro postgres__regex_matches_column(expression, pattern_expression) -%}
  ({{ expression }} ~* {{ pattern_expression }})
{%- endmacro %}

{% macro spark__regex_matches_column(expression, pattern_expression) -%}
  ({{ expression }} rlike {{ dbt.concat(["'(?i)'", pattern_expression]) }})
{%- endmacro %}

{% macro bigquery__regex_matches_column(expression, pattern_expression) -%}
  regexp_contains({{ expression }}, {{ dbt.concat(["'(?i)'", pattern_expression]) }})
{%- endmacro %}


{#- The first capture group of a regex (a literal pattern), null when it does not match. -#}
{% macro regex_extract(expression, pattern) -%}
  {{ return(adapter.dispatch('regex_extract', 'ai_unit_economics')(expression, pattern)) }}
{%- endmacro %}

{% macro default__regex_extract(expression, pattern) -%}
  regexp_substr({{ expression }}, '{{ pattern }}', 1, 1, 'e', 1)
{%- endmacro %}

{% macro duckdb__regex_extract(expression, pattern) -%}
  nullif(regexp_extract({{ expression }}, '{{ pattern }}', 1), '')
{%- endmacro %}

{% macro postgres__regex_extract(expression, pattern) -%}
  substring({{ expression }} from '{{ pattern }}')
{%- endmacro %}

{% macro spark__regex_extract(expression, pattern) -%}
  nullif(regexp_extract({{ expression }}, '{{ pattern }}', 1), '')
{%- endmacro %}

{% macro bigquery__regex_extract(expression, pattern) -%}
  regexp_extract({{ expression }}, r'{{ pattern }}')
{%- endmacro %}


{#- The first capture group of a case-insensitive regex held in a column (a seed's pattern);
    null when it does not match. Its literal-pattern twin is regex_extract above. -#}
{% macro regex_extract_column(expression, pattern_expression) -%}
  {{ return(adapter.dispatch('regex_extract_column', 'ai_unit_economics')(expression, pattern_expression)) }}
{%- endmacro %}

{% macro default__regex_extract_column(expression, pattern_expression) -%}
  regexp_substr({{ expression }}, {{ pattern_expression }}, 1, 1, 'ie', 1)
{%- endmacro %}

{% macro duckdb__regex_extract_column(expression, pattern_expression) -%}
  nullif(regexp_extract({{ expression }}, {{ pattern_expression }}, 1, 'i'), '')
{%- endmacro %}

{#- An ARE takes embedded options only at its very start. -#}
{% macro postgres__regex_extract_column(expression, pattern_expression) -%}
  substring({{ expression }} from {{ dbt.concat(["'(?i)'", pattern_expression]) }})
{%- endmacro %}

{% macro spark__regex_extract_column(expression, pattern_expression) -%}
  nullif(regexp_extract({{ expression }}, {{ dbt.concat(["'(?i)'", pattern_expression]) }}, 1), '')
{%- endmacro %}

{% macro bigquery__regex_extract_column(expression, pattern_expression) -%}
  regexp_extract({{ expression }}, {{ dbt.concat(["'(?i)'", pattern_expression]) }})
{%- endmacro %}


{#- A key of a flat JSON object held as text (FOCUS Tags), as text; null when the key is
    absent, the value is JSON null, or the text is not JSON. Never an error on bad JSON. -#}
{% macro json_text_value(json_expression, key) -%}
  {{ return(adapter.dispatch('json_text_value', 'ai_unit_economics')(json_expression, key)) }}
{%- endmacro %}

{#- Engines without a safe JSON parser: read the flat object with a regex. -#}
{% macro default__json_text_value(json_expression, key) -%}
  {%- set key_pattern = ai_unit_economics.regex_escape(key) -%}
  nullif(coalesce(
    {{ ai_unit_economics.regex_extract(json_expression, '"' ~ key_pattern ~ '"[ ]*:[ ]*"([^"]*)"') }},
    {{ ai_unit_economics.regex_extract(json_expression, '"' ~ key_pattern ~ '"[ ]*:[ ]*([^", }]+)') }}
  ), 'null')
{%- endmacro %}

{% macro duckdb__json_text_value(json_expression, key) -%}
  case
    when json_valid({{ json_expression }})
      then json_extract_string({{ json_expression }}, '$."{{ key | replace("'", "''") | replace('"', '\\"') }}"')
  end
{%- endmacro %}

{% macro spark__json_text_value(json_expression, key) -%}
  {%- if modules.re.match('^[A-Za-z0-9_]+$', key) -%}
    get_json_object({{ json_expression }}, '$.{{ key }}')
  {%- else -%}
    get_json_object({{ json_expression }}, "$['{{ key | replace('"', '') | replace("'", '') }}']")
  {%- endif -%}
{%- endmacro %}

{% macro regex_escape(text) -%}
  {%- set escaped = text -%}
  {%- for special in ['\\', '.', '+', '*', '?', '(', ')', '[', ']', '{', '}', '|', '^', '$'] -%}
    {%- set escaped = escaped | replace(special, '\\' ~ special) -%}
  {%- endfor -%}
  {{ return(escaped | replace("'", "''")) }}
{%- endmacro %}


{#- date + n days, as a date, on every engine. -#}
{% macro add_days(date_expression, days) -%}
  {{ return(adapter.dispatch('add_days', 'ai_unit_economics')(date_expression, days)) }}
{%- endmacro %}

{% macro default__add_days(date_expression, days) -%}
  cast({{ dbt.dateadd('day', days, date_expression) }} as date)
{%- endmacro %}

{% macro spark__add_days(date_expression, days) -%}
  date_add({{ date_expression }}, cast({{ days }} as int))
{%- endmacro %}


{#- The whole numbers 0 .. 10^digits - 1 as rows (column `day_offset`), built from a
    ten-row list so it needs no engine's series function. -#}
{% macro day_offsets(digits=4) -%}
  {%- set places = range(digits) | list -%}
  select
    {% for place in places -%}
    digits_{{ place }}.digit * {{ 10 ** place }}{{ " + " if not loop.last }}
    {%- endfor %} as day_offset
  from
    {% for place in places -%}
    (
      {% for digit in range(10) -%}
      select {{ digit }} as digit{{ " union all " if not loop.last }}
      {%- endfor %}
    ) as digits_{{ place }}{{ " cross join " if not loop.last }}
    {% endfor %}
{%- endmacro %}


{#- Which optional inputs are in play decides which models exist (their `enabled` config):
    a switched-off input's models are not nodes at all, and its source is not declared, so
    the lineage is the same for every run of a configuration (no `if` around a `source()`).

    FOCUS billing: var aiue__using_focus true, false, or null (the default: the models exist
    and read the focus_costs table when it is there, empty otherwise). `aiue run` sets it
    from the files it loaded. -#}
{% macro is_using_focus() -%}
  {{ return(var('aiue__using_focus', none) is not false) }}
{%- endmacro %}

{#- The GPU lease seed (aiue_gpu_rates): var aiue__using_gpu_rates (default true; `aiue run`
    sets false when the seed has no rows). -#}
{% macro is_using_gpu_rates() -%}
  {{ return(var('aiue__using_gpu_rates', true) is not false) }}
{%- endmacro %}

{#- Billing allocation (buckets, shares, the invoice on the calls) runs when either billed
    input is in play; without both, every call keeps its estimate and the reconciliation
    lists the calls as unbilled. -#}
{% macro is_using_billing() -%}
  {{ return(ai_unit_economics.is_using_focus() or ai_unit_economics.is_using_gpu_rates()) }}
{%- endmacro %}

{#- The focus_costs relation to read: the declared source (always referenced, so the lineage
    holds it), or none where var aiue__using_focus is null and the table does not exist. -#}
{% macro focus_relation() -%}
  {%- set flag = var('aiue__using_focus', none) -%}
  {%- set declared = source('aiue_billing', 'focus_costs') -%}
  {%- if not execute -%}
    {{ return(declared) }}
  {%- endif -%}
  {%- set found = adapter.get_relation(declared.database, declared.schema, declared.identifier) -%}
  {%- if found is none and flag -%}
    {{ exceptions.raise_compiler_error(
        "var aiue__using_focus is true but " ~ declared ~ " does not exist: point "
        ~ "aiue_source_schema / aiue_focus_costs_identifier at your FOCUS table, or set "
        ~ "aiue__using_focus: false.") }}
  {%- endif -%}
  {{ return(found) }}
{%- endmacro %}


{#- amount x FX rate as money. Both sides are narrowed first so the product's scale stays
    inside 38 digits on every engine (amounts keep 12 decimals, rates 10). -#}
{% macro convert_money(amount, rate) -%}
  cast(
    cast({{ amount }} as {{ ai_unit_economics.type_decimal(28, 12) }})
      * cast({{ rate }} as {{ ai_unit_economics.type_decimal(18, 10) }})
    as {{ ai_unit_economics.type_money() }}
  )
{%- endmacro %}
