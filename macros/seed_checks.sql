{#- FinOps seeds, checked cell by cell: a cell that does not parse, a negative amount, a
    value outside its list (a usage_type typo), an amount in a currency other than the
    reporting currency, or a row that conflicts with another (the same key and start date) is
    rejected with the seed, its data row, the column and the value (mart
    aiue__rejected_seed_rows); the other rows still build. Each seed staging model reads only
    the rows that pass (seed_source). The checks of every seed are declared once, here. -#}

{#- Per seed: its cells (column, kind, fixed-point type or none), the columns that identify a
    row (two rows with the same values there conflict; none: no such rule), of which `folded`
    are compared in any letter case because staging lower- or upper-cases them (two rows the
    staging model would give the same key conflict here, so its key test holds for every seed
    that builds), optionally `values` (column -> the values it may hold, compared in lower
    case) and `currency` (true: the row's currency column, when given, must be the reporting
    currency: these seeds are not converted; aiue_fx_rates converts billing rows only). Kinds:
    amount (a number >= 0), number (any sign), integer, date. The type is the (precision,
    scale) the staging model casts to; none: the money type. -#}
{% macro seed_cell_checks() -%}
  {%- set money = none -%}
  {%- set prices = {
      'cells': [('price_per_million', 'amount', money), ('valid_from', 'date', none), ('valid_to', 'date', none)],
      'key': ['provider', 'model', 'usage_type', 'valid_from'], 'folded': ['provider', 'model', 'usage_type'],
      'values': {'usage_type': ai_unit_economics.usage_types() | map(attribute='usage_type') | list},
      'currency': true} -%}
  {{ return({
    'aiue_model_prices': prices,
    'aiue_model_price_overrides': prices,
    'aiue_escalation_costs': {
      'cells': [('minutes_per_ticket', 'amount', money), ('loaded_hourly_rate', 'amount', money),
                ('cost_per_ticket', 'amount', money), ('valid_from', 'date', none), ('valid_to', 'date', none)],
      'key': ['feature_tag', 'escalation_channel', 'valid_from'], 'folded': ['escalation_channel'],
      'currency': true},
    'aiue_review_costs': {
      'cells': [('minutes_per_review', 'amount', money), ('loaded_hourly_rate', 'amount', money),
                ('cost_per_review', 'amount', money), ('valid_from', 'date', none), ('valid_to', 'date', none)],
      'key': ['feature_tag', 'valid_from'], 'currency': true},
    'aiue_outcome_values': {
      'cells': [('value_per_success', 'amount', money), ('valid_from', 'date', none), ('valid_to', 'date', none)],
      'key': ['feature_tag', 'valid_from'], 'currency': true},
    'aiue_tool_costs': {
      'cells': [('cost_per_call', 'amount', money), ('valid_from', 'date', none), ('valid_to', 'date', none)],
      'key': ['tool_name', 'valid_from'], 'currency': true},
    'aiue_gpu_rates': {
      'cells': [('gpu_count', 'amount', (12, 4)), ('price_per_gpu_hour', 'amount', (20, 10)),
                ('tokens_per_gpu_hour', 'amount', (20, 2)), ('valid_from', 'date', none), ('valid_to', 'date', none)],
      'key': ['provider', 'model', 'valid_from'], 'folded': ['provider', 'model'], 'currency': true},
    'aiue_fx_rates': {
      'cells': [('rate', 'amount', (38, 15)), ('rate_date', 'date', none)],
      'key': ['currency', 'reporting_currency', 'rate_date'], 'folded': ['currency', 'reporting_currency']},
    'aiue_budgets': {
      'cells': [('limit_amount', 'amount', money), ('warn_at', 'amount', (38, 6)), ('error_at', 'amount', (38, 6)),
                ('valid_from', 'date', none), ('valid_to', 'date', none)],
      'key': ['budget_id', 'valid_from'], 'currency': true},
    'aiue_focus_sku_map': {
      'cells': [('tokens_per_unit', 'amount', (20, 6)), ('priority', 'integer', none)], 'key': []},
    'aiue_provider_map': {'cells': [('priority', 'integer', none)], 'key': []},
    'aiue_attribute_aliases': {'cells': [('priority', 'integer', none)], 'key': []},
    'aiue_success_criteria': {
      'cells': [('min_score', 'number', money), ('valid_from', 'date', none), ('valid_to', 'date', none)],
      'key': []},
  }) }}
{%- endmacro %}

{#- A seed's data rows in file order, numbered from 1 (the order dbt inserted them). -#}
{% macro seed_row_number() -%}
  {{ return(adapter.dispatch('seed_row_number', 'ai_unit_economics')()) }}
{%- endmacro %}

{% macro default__seed_row_number() -%}
  row_number() over ()
{%- endmacro %}

{#- Spark reads a table's files largest first, so the insertion order is the part files'
    names (part-00000, part-00001, ... of one insert) and, inside a file, the row position.
    A seed loaded in more than one insert batch (spark__load_csv_rows) can number its rows
    out of file order; the rejected row's column and value still name it. -#}
{% macro spark__seed_row_number() -%}
  row_number() over (order by input_file_name(), monotonically_increasing_id())
{%- endmacro %}

{% macro seed_cell_value(column, kind, type) -%}
  {%- set text = ai_unit_economics.clean_text(column) -%}
  {%- if kind == 'date' -%}
    {{ ai_unit_economics.parse_date(text) }}
  {%- elif kind == 'integer' -%}
    {{ ai_unit_economics.parse_integer(text) }}
  {%- else -%}
    {{ ai_unit_economics.parse_decimal(text, ai_unit_economics.type_decimal(type[0], type[1]) if type else none) }}
  {%- endif -%}
{%- endmacro %}

{#- CTEs (seed_numbered, seed_parsed, seed_checked; each followed by a comma) giving every
    row of a seed with seed_row_number and, for a rejected row, rejection_column,
    rejection_value and rejection_reason (the first check that fails). -#}
{% macro seed_checked(seed_name, prefix='seed_') -%}
  {%- set checks = ai_unit_economics.seed_cell_checks()[seed_name] -%}
  {%- set key = checks['key'] -%}
  {%- set values = checks.get('values', {}) -%}
  {%- set reporting = var('aiue_reporting_currency') | upper -%}
  {%- set key_parts = [] -%}
  {%- for column in key -%}
    {%- set text = ai_unit_economics.clean_text(column) -%}
    {%- do key_parts.append('lower(' ~ text ~ ')' if column in checks.get('folded', []) else text) -%}
  {%- endfor -%}
  {%- set kind_words = {
      'amount': 'is not a number, or is out of range',
      'number': 'is not a number, or is out of range',
      'integer': 'is not a whole number',
      'date': 'is not a calendar date (YYYY-MM-DD)'} -%}
  {%- set parsed = [] -%}
  {%- for column, kind, type in checks['cells'] -%}
    {%- do parsed.append(ai_unit_economics.clean_text(column) ~ ' as check_raw_' ~ column) -%}
    {%- do parsed.append(ai_unit_economics.seed_cell_value(column, kind, type) ~ ' as check_' ~ column) -%}
  {%- endfor -%}
  {%- for column in values -%}
    {%- do parsed.append('lower(' ~ ai_unit_economics.clean_text(column) ~ ') as check_value_' ~ column) -%}
  {%- endfor -%}
  {%- if checks.get('currency') -%}
    {%- do parsed.append('upper(' ~ ai_unit_economics.clean_text('currency') ~ ') as check_currency') -%}
  {%- endif -%}
  {%- for name, function in [('key_rows', 'count(*)'), ('key_first_row', 'min(seed_row_number)'),
                             ('key_last_row', 'max(seed_row_number)')] if key -%}
    {%- do parsed.append(function ~ ' over (partition by ' ~ key_parts | join(', ') ~ ') as ' ~ name) -%}
  {%- endfor -%}
{{ prefix }}numbered as (

    select
        seed_rows.*,
        {{ ai_unit_economics.seed_row_number() }} as seed_row_number
    from {{ ai_unit_economics.seed_relation(seed_name) }} as seed_rows

),

{{ prefix }}parsed as (

    select
        {{ prefix }}numbered.*,
        {{ parsed | join(',\n        ') }}
    from {{ prefix }}numbered

),

{{ prefix }}checked as (

    select
        {{ prefix }}parsed.*,
        case
            {% for column, kind, type in checks['cells'] -%}
            when check_raw_{{ column }} is not null and check_{{ column }} is null then '{{ column }}'
            {% if kind == 'amount' -%}
            when check_{{ column }} < 0 then '{{ column }}'
            {% endif -%}
            {% endfor -%}
            {% for column, accepted in values.items() -%}
            when check_value_{{ column }} not in ('{{ accepted | join("', '") }}') then '{{ column }}'
            {% endfor -%}
            {% if checks.get('currency') -%}
            when check_currency != '{{ reporting }}' then 'currency'
            {% endif -%}
            {% if key -%}
            when key_rows > 1 then '{{ key | join(", ") }}'
            {%- endif %}
        end as rejection_column,
        case
            {% for column, kind, type in checks['cells'] -%}
            when check_raw_{{ column }} is not null and check_{{ column }} is null then check_raw_{{ column }}
            {% if kind == 'amount' -%}
            when check_{{ column }} < 0 then check_raw_{{ column }}
            {% endif -%}
            {% endfor -%}
            {% for column, accepted in values.items() -%}
            when check_value_{{ column }} not in ('{{ accepted | join("', '") }}')
                then {{ ai_unit_economics.clean_text(column) }}
            {% endfor -%}
            {% if checks.get('currency') -%}
            when check_currency != '{{ reporting }}' then {{ ai_unit_economics.clean_text('currency') }}
            {% endif -%}
        end as rejection_value,
        case
            {% for column, kind, type in checks['cells'] -%}
            when check_raw_{{ column }} is not null and check_{{ column }} is null
                then {{ dbt.concat(["'" ~ column ~ " " ~ kind_words[kind] ~ ": '", 'check_raw_' ~ column]) }}
            {% if kind == 'amount' -%}
            when check_{{ column }} < 0
                then {{ dbt.concat(["'" ~ column ~ " is negative: '", 'check_raw_' ~ column]) }}
            {% endif -%}
            {% endfor -%}
            {% for column, accepted in values.items() -%}
            when check_value_{{ column }} not in ('{{ accepted | join("', '") }}')
                then {{ dbt.concat(["'" ~ column ~ " is not one of " ~ accepted | join(', ') ~ ": '",
                                    ai_unit_economics.clean_text(column)]) }}
            {% endfor -%}
            {% if checks.get('currency') -%}
            when check_currency != '{{ reporting }}'
                then {{ dbt.concat(["'currency '", ai_unit_economics.clean_text('currency'),
                                    "' is not the reporting currency " ~ reporting ~ " (var aiue_reporting_currency), and "
                                    ~ seed_name ~ " is not converted (aiue_fx_rates converts billing rows only): give the row in "
                                    ~ reporting ~ "'"]) }}
            {% endif -%}
            {% if key -%}
            when key_rows > 1 then {{ dbt.concat([
                "'conflicting rows: rows '", "cast(key_first_row as " ~ dbt.type_string() ~ ")",
                "' to '", "cast(key_last_row as " ~ dbt.type_string() ~ ")",
                "' have the same " ~ key | join(', ') ~ " (which one holds is ambiguous: keep one)'"]) }}
            {%- endif %}
        end as rejection_reason
    from {{ prefix }}parsed

),
{%- endmacro %}

{#- The start of a seed staging model: the checks' CTEs, then `source`, the rows that pass. -#}
{% macro seed_source(seed_name) -%}
with {{ ai_unit_economics.seed_checked(seed_name) }}

source as (

    select * from seed_checked
    where rejection_reason is null

)
{%- endmacro %}
