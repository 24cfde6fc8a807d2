{#- Cross-database building blocks. Each is a dispatcher + default__ + only the
    adapter variants that need something different (the dbt-utils pattern). -#}

{% macro type_money() -%}
  {{ return(adapter.dispatch('type_money', 'ai_unit_economics')()) }}
{%- endmacro %}

{#- 15 decimals hold sub-micro-dollar token costs exactly; 23 integer digits hold any bill. -#}
{% macro default__type_money() -%}
  decimal(38, 15)
{%- endmacro %}

{% macro bigquery__type_money() -%}
  bignumeric(38, 15)
{%- endmacro %}


{#- USD per single token. Kept at precision 20 so that tokens (15 digits) x price stays
    within 38 digits: Spark otherwise trims the product's scale to 6. -#}
{% macro type_unit_price() -%}
  {{ return(adapter.dispatch('type_unit_price', 'ai_unit_economics')()) }}
{%- endmacro %}

{% macro default__type_unit_price() -%}
  decimal(20, 15)
{%- endmacro %}

{% macro bigquery__type_unit_price() -%}
  bignumeric(20, 15)
{%- endmacro %}


{% macro type_token_count() -%}
  {{ return(adapter.dispatch('type_token_count', 'ai_unit_economics')()) }}
{%- endmacro %}

{% macro default__type_token_count() -%}
  decimal(15, 0)
{%- endmacro %}

{% macro bigquery__type_token_count() -%}
  numeric
{%- endmacro %}


{% macro regex_matches(expression, pattern) -%}
  {{ return(adapter.dispatch('regex_matches', 'ai_unit_economics')(expression, pattern)) }}
{%- endmacro %}

{% macro default__regex_matches(expression, pattern) -%}
  regexp_like({{ expression }}, '{{ pattern }}')
{%- endmacro %}

{% macro duckdb__regex_matches(expression, pattern) -%}
  regexp_matches({{ expression }}, '{{ pattern }}')
{%- endmacro %}

{% macro postgres__regex_matches(expression, pattern) -%}
  ({{ expression }} ~ '{{ pattern }}')
{%- endmacro %}

{% macro spark__regex_matches(expression, pattern) -%}
  ({{ expression }} rlike '{{ pattern }}')
{%- endmacro %}

{% macro bigquery__regex_matches(expression, pattern) -%}
  regexp_contains({{ expression }}, r'{{ pattern }}')
{%- endmacro %}


{#- Parse an ISO-8601 / 'YYYY-MM-DD HH:MM:SS' string to a UTC timestamp without zone.
    Strings with an offset (Z, +02:00) are converted to UTC; strings without one are
    taken as UTC. Anything else gives null (the caller turns that into a rejection). -#}
{% macro parse_timestamp_utc(expression) -%}
  {{ return(adapter.dispatch('parse_timestamp_utc', 'ai_unit_economics')(expression)) }}
{%- endmacro %}

{% macro default__parse_timestamp_utc(expression) -%}
  case
    when {{ ai_unit_economics.regex_matches(expression, ai_unit_economics.timestamp_with_offset_pattern()) }}
      then cast(cast({{ expression }} as timestamp with time zone) as timestamp)
    when {{ ai_unit_economics.regex_matches(expression, ai_unit_economics.timestamp_pattern()) }}
      then cast({{ expression }} as timestamp)
  end
{%- endmacro %}

{% macro duckdb__parse_timestamp_utc(expression) -%}
  case
    when {{ ai_unit_economics.regex_matches(expression, ai_unit_economics.timestamp_with_offset_pattern()) }}
      then timezone('UTC', cast({{ expression }} as timestamptz))
    when {{ ai_unit_economics.regex_matches(expression, ai_unit_economics.timestamp_pattern()) }}
      then cast({{ expression }} as timestamp)
  end
{%- endmacro %}

{% macro postgres__parse_timestamp_utc(expression) -%}
  case
    when {{ ai_unit_economics.regex_matches(expression, ai_unit_economics.timestamp_with_offset_pattern()) }}
      then cast({{ expression }} as timestamptz) at time zone 'UTC'
    when {{ ai_unit_economics.regex_matches(expression, ai_unit_economics.timestamp_pattern()) }}
      then cast({{ expression }} as timestamp)
  end
{%- endmacro %}

{#- Spark converts offsets to the session time zone, which the profile pins to UTC. -#}
{% macro spark__parse_timestamp_utc(expression) -%}
  case
    when {{ ai_unit_economics.regex_matches(expression, ai_unit_economics.timestamp_with_offset_pattern()) }}
      or {{ ai_unit_economics.regex_matches(expression, ai_unit_economics.timestamp_pattern()) }}
      then cast({{ expression }} as timestamp)
  end
{%- endmacro %}

{% macro timestamp_pattern() -%}
^[0-9]{4}-[0-9]{2}-[0-9]{2}([T ][0-9]{2}:[0-9]{2}(:[0-9]{2}([.][0-9]{1,6})?)?)?$
{%- endmacro %}

{% macro timestamp_with_offset_pattern() -%}
^[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}(:[0-9]{2}([.][0-9]{1,6})?)?(Z|[+-][0-9]{2}(:?[0-9]{2})?)$
{%- endmacro %}


{% macro type_double() -%}
  {{ return(adapter.dispatch('type_double', 'ai_unit_economics')()) }}
{%- endmacro %}

{#- dbt.type_float() is single precision on DuckDB; ratios need double. -#}
{% macro default__type_double() -%}
  double precision
{%- endmacro %}

{% macro spark__type_double() -%}
  double
{%- endmacro %}

{% macro bigquery__type_double() -%}
  float64
{%- endmacro %}
