{#- Text-to-value parsing with the same rules on every engine: a value either matches
    the documented pattern and is cast, or becomes null so a rejection can name it. -#}

{% macro clean_text(expression) -%}
  nullif(nullif(trim(cast({{ expression }} as {{ dbt.type_string() }})), ''), 'NULL')
{%- endmacro %}

{% macro parse_integer(expression) -%}
  case
    when {{ ai_unit_economics.regex_matches(expression, '^[0-9]{1,15}([.]0+)?$') }}
      then cast(cast({{ expression }} as {{ ai_unit_economics.type_money() }}) as {{ dbt.type_bigint() }})
  end
{%- endmacro %}

{#- A number as text: plain, signed, any decimals (the cast rounds to the type's scale), or
    with an exponent, which is how a warehouse writes a small float as text ('4.275e-05'
    from a DOUBLE reported_cost). Positive exponents stay small enough to fit a money type. -#}
{% macro number_pattern() -%}
^[-+]?([0-9]{1,20}([.][0-9]*)?|[.][0-9]+)([eE](-[0-9]{1,2}|[+]?[0-7]))?$
{%- endmacro %}

{% macro parse_decimal(expression, type=none) -%}
  case
    when {{ ai_unit_economics.regex_matches(expression, ai_unit_economics.number_pattern()) }}
      then cast({{ expression }} as {{ type or ai_unit_economics.type_money() }})
  end
{%- endmacro %}

{% macro parse_boolean(expression) -%}
  case
    when lower({{ expression }}) in ('true', 't', '1', 'yes', 'y') then true
    when lower({{ expression }}) in ('false', 'f', '0', 'no', 'n') then false
  end
{%- endmacro %}

{% macro parse_date(expression) -%}
  case
    when {{ ai_unit_economics.regex_matches(expression, '^[0-9]{4}-[0-9]{2}-[0-9]{2}$') }}
      then cast({{ expression }} as date)
  end
{%- endmacro %}

{#- OTel status: OK / ERROR / UNSET, the proto numbers 0/1/2, and exporter spellings. -#}
{% macro normalize_status_code(expression) -%}
  case
    when upper({{ expression }}) in ('2', 'ERROR', 'STATUS_CODE_ERROR') then 'ERROR'
    when upper({{ expression }}) in ('1', 'OK', 'STATUS_CODE_OK') then 'OK'
    when {{ expression }} is null or upper({{ expression }}) in ('0', 'UNSET', 'STATUS_CODE_UNSET') then 'UNSET'
  end
{%- endmacro %}


{#- The first regex match replaced; `replacement` refers to groups as \1 (Spark's $1). -#}
{% macro regex_replace(expression, pattern, replacement) -%}
  {{ return(adapter.dispatch('regex_replace', 'ai_unit_economics')(expression, pattern, replacement)) }}
{%- endmacro %}

{% macro default__regex_replace(expression, pattern, replacement) -%}
  regexp_replace({{ expression }}, '{{ pattern }}', '{{ replacement }}')
{%- endmacro %}

{% macro spark__regex_replace(expression, pattern, replacement) -%}
  regexp_replace({{ expression }}, '{{ pattern }}', '{{ replacement | replace("\\", "$") }}')
{%- endmacro %}

{% macro bigquery__regex_replace(expression, pattern, replacement) -%}
  regexp_replace({{ expression }}, r'{{ pattern }}', r'{{ replacement }}')
{%- endmacro %}


{#- Text to a UTC timestamp without zone, the same on every engine. Accepted:
    - ISO-8601 / 'YYYY-MM-DD HH:MM:SS' with 'T' or a space, up to 9 fractional digits (cut to
      the engines' 6), and an offset (Z, +02, +0200, +02:00) converted to UTC; without one
      the time is taken as UTC;
    - epoch integers: 19 digits nanoseconds (OTLP's *UnixNano), 16 microseconds,
      13 milliseconds, 10 seconds.
    Anything else gives null (the caller turns that into a rejection). -#}
{% macro parse_timestamp_utc(expression) -%}
  {%- set cut = ai_unit_economics.regex_replace(expression, '^([^.]*[.][0-9]{6})[0-9]{1,3}', '\\1') -%}
  case
    when {{ ai_unit_economics.regex_matches(expression, ai_unit_economics.timestamp_with_offset_pattern(6)) }}
      then {{ ai_unit_economics.cast_timestamp_with_offset(expression) }}
    when {{ ai_unit_economics.regex_matches(expression, ai_unit_economics.timestamp_pattern(6)) }}
      then {{ ai_unit_economics.cast_timestamp(expression) }}
    when {{ ai_unit_economics.regex_matches(expression, ai_unit_economics.timestamp_with_offset_pattern(9)) }}
      then {{ ai_unit_economics.cast_timestamp_with_offset(cut) }}
    when {{ ai_unit_economics.regex_matches(expression, ai_unit_economics.timestamp_pattern(9)) }}
      then {{ ai_unit_economics.cast_timestamp(cut) }}
    when {{ ai_unit_economics.regex_matches(expression, '^[0-9]{10}([0-9]{3}|[0-9]{6}|[0-9]{9})?$') }}
      then {{ ai_unit_economics.timestamp_from_epoch_micros(
          'cast(' ~ ai_unit_economics.epoch_micros_text(expression) ~ ' as ' ~ dbt.type_bigint() ~ ')') }}
  end
{%- endmacro %}

{#- 10, 13, 16 or 19 epoch digits as 16 digits of microseconds (text: exact everywhere). -#}
{% macro epoch_micros_text(expression) -%}
  rpad(substr({{ expression }}, 1, 16), 16, '0')
{%- endmacro %}

{% macro timestamp_pattern(fraction_digits) -%}
^[0-9]{4}-[0-9]{2}-[0-9]{2}([T ][0-9]{2}:[0-9]{2}(:[0-9]{2}([.][0-9]{1,{{ fraction_digits }}})?)?)?$
{%- endmacro %}

{% macro timestamp_with_offset_pattern(fraction_digits) -%}
^[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}(:[0-9]{2}([.][0-9]{1,{{ fraction_digits }}})?)?(Z|[+-][0-9]{2}(:?[0-9]{2})?)$
{%- endmacro %}

{#- Text with an offset (matched above) to UTC without zone. -#}
{% macro cast_timestamp_with_offset(expression) -%}
  {{ return(adapter.dispatch('cast_timestamp_with_offset', 'ai_unit_economics')(expression)) }}
{%- endmacro %}

{% macro default__cast_timestamp_with_offset(expression) -%}
  cast(cast({{ expression }} as timestamp with time zone) as timestamp)
{%- endmacro %}

{% macro duckdb__cast_timestamp_with_offset(expression) -%}
  timezone('UTC', cast({{ expression }} as timestamptz))
{%- endmacro %}

{% macro postgres__cast_timestamp_with_offset(expression) -%}
  (cast({{ expression }} as timestamptz) at time zone 'UTC')
{%- endmacro %}

{#- Spark converts offsets to the session time zone, which the profile pins to UTC. -#}
{% macro spark__cast_timestamp_with_offset(expression) -%}
  cast({{ expression }} as timestamp)
{%- endmacro %}

{% macro cast_timestamp(expression) -%}
  cast({{ expression }} as timestamp)
{%- endmacro %}

{#- Microseconds since 1970-01-01 UTC (a bigint) to a timestamp, exactly. -#}
{% macro timestamp_from_epoch_micros(micros) -%}
  {{ return(adapter.dispatch('timestamp_from_epoch_micros', 'ai_unit_economics')(micros)) }}
{%- endmacro %}

{% macro default__timestamp_from_epoch_micros(micros) -%}
  {{ dbt.dateadd('microsecond', micros, "cast('1970-01-01 00:00:00' as timestamp)") }}
{%- endmacro %}

{% macro duckdb__timestamp_from_epoch_micros(micros) -%}
  make_timestamp({{ micros }})
{%- endmacro %}

{#- Integer multiples of an interval stay exact below 2^53 microseconds (year 2255). -#}
{% macro postgres__timestamp_from_epoch_micros(micros) -%}
  (timestamp '1970-01-01 00:00:00' + {{ micros }} * interval '1 microsecond')
{%- endmacro %}

{% macro spark__timestamp_from_epoch_micros(micros) -%}
  timestamp_micros({{ micros }})
{%- endmacro %}

{% macro bigquery__timestamp_from_epoch_micros(micros) -%}
  cast(timestamp_micros({{ micros }}) as datetime)
{%- endmacro %}

{#- A timestamp plus a whole number of microseconds (a bigint). -#}
{% macro add_microseconds(timestamp_expression, micros) -%}
  {{ return(adapter.dispatch('add_microseconds', 'ai_unit_economics')(timestamp_expression, micros)) }}
{%- endmacro %}

{% macro default__add_microseconds(timestamp_expression, micros) -%}
  {{ dbt.dateadd('microsecond', micros, timestamp_expression) }}
{%- endmacro %}

{% macro duckdb__add_microseconds(timestamp_expression, micros) -%}
  ({{ timestamp_expression }} + to_microseconds({{ micros }}))
{%- endmacro %}

{% macro postgres__add_microseconds(timestamp_expression, micros) -%}
  ({{ timestamp_expression }} + {{ micros }} * interval '1 microsecond')
{%- endmacro %}

{% macro spark__add_microseconds(timestamp_expression, micros) -%}
  timestamp_micros(unix_micros({{ timestamp_expression }}) + {{ micros }})
{%- endmacro %}

{#- A whole number of nanoseconds as text, cut to whole microseconds (text: exact). -#}
{% macro nanos_as_micros_text(expression) -%}
  case
    when {{ ai_unit_economics.regex_matches(expression, '^[0-9]{4,18}$') }}
      then substr({{ expression }}, 1, {{ dbt.length(expression) }} - 3)
    when {{ ai_unit_economics.regex_matches(expression, '^[0-9]{1,3}$') }} then '0'
  end
{%- endmacro %}
