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
      then {{ ai_unit_economics.try_cast_number(expression, type or ai_unit_economics.type_money()) }}
  end
{%- endmacro %}

{#- ---------------------------------------------------------------------------------------
    Safe casts: a value that matches its pattern can still be impossible (an amount beyond
    the money type, 2026-02-30, hour 25); it becomes null, so staging rejects the row naming
    the value, instead of one cell failing the whole build. The engine's own safe cast
    (try_cast on DuckDB, Spark, Snowflake; safe_cast on BigQuery); Postgres has none, so its
    cast is guarded. -#}

{#- A number's text (matched by number_pattern) to a fixed-point type, null when it does not
    fit. -#}
{% macro try_cast_number(expression, type) -%}
  {{ return(adapter.dispatch('try_cast_number', 'ai_unit_economics')(expression, type)) }}
{%- endmacro %}

{% macro default__try_cast_number(expression, type) -%}
  try_cast({{ expression }} as {{ type }})
{%- endmacro %}

{% macro bigquery__try_cast_number(expression, type) -%}
  safe_cast({{ expression }} as {{ type }})
{%- endmacro %}

{#- Postgres: numeric without a precision holds any matched text; the money type holds
    less than 10^(precision - scale). -#}
{% macro postgres__try_cast_number(expression, type) -%}
  {%- set digits = type | string | lower | replace(' ', '') -%}
  {%- set bound = 23 -%}
  {%- if digits.startswith('decimal(') or digits.startswith('numeric(') -%}
    {%- set parts = digits.split('(')[1].rstrip(')').split(',') -%}
    {%- set bound = (parts[0] | int) - ((parts[1] | int) if parts | length > 1 else 0) -%}
  {%- endif -%}
  case
    when abs(cast({{ expression }} as numeric)) < 1e{{ bound }}
      then cast({{ expression }} as {{ type }})
  end
{%- endmacro %}

{#- Text matched by timestamp_pattern / timestamp_with_offset_pattern (or a date) that is a
    real calendar time: month 1-12, a day the month has (leap years included), hour 0-23,
    minute and second 0-59, an offset of at most 14 hours. The same rule on every engine, so
    no engine accepts what another rejects. -#}
{% macro is_calendar_time(expression) -%}
  {%- set year = 'cast(substr(' ~ expression ~ ', 1, 4) as integer)' -%}
  {%- set month = 'cast(substr(' ~ expression ~ ', 6, 2) as integer)' -%}
  {%- set day = 'cast(substr(' ~ expression ~ ', 9, 2) as integer)' -%}
  {#- the offset checks read only the time of day: a date's own '-30' is not an offset -#}
  {%- set time_part = 'substr(' ~ expression ~ ', 12)' -%}
  ({{ year }} >= 1
    and {{ month }} between 1 and 12
    and {{ day }} between 1 and case
      when {{ month }} = 2 then case
        when mod({{ year }}, 400) = 0 or (mod({{ year }}, 4) = 0 and mod({{ year }}, 100) <> 0)
          then 29 else 28 end
      when {{ month }} in (4, 6, 9, 11) then 30
      else 31 end
    and ({{ dbt.length(expression) }} < 13 or substr({{ expression }}, 12, 2) <= '23')
    and ({{ dbt.length(expression) }} < 16 or substr({{ expression }}, 15, 2) <= '59')
    and (substr({{ expression }}, 17, 1) <> ':' or substr({{ expression }}, 18, 2) <= '59')
    and not {{ ai_unit_economics.regex_matches(time_part, '[+-]([2-9][0-9]|1[5-9])(:?[0-9]{2})?$') }}
    and not {{ ai_unit_economics.regex_matches(time_part, '[+-][0-9]{2}:?[6-9][0-9]$') }})
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
      then case when {{ ai_unit_economics.is_calendar_time(expression) }} then cast({{ expression }} as date) end
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
    Anything else gives null (the caller turns that into a rejection), and so does a time
    the calendar does not have (2026-02-30, hour 25: is_calendar_time). -#}
{% macro parse_timestamp_utc(expression) -%}
  {%- set cut = ai_unit_economics.regex_replace(expression, '^([^.]*[.][0-9]{6})[0-9]{1,3}', '\\1') -%}
  {#- nested: the calendar check reads digits the date prefix guarantees #}
  case
    when {{ ai_unit_economics.regex_matches(expression, '^[0-9]{4}-[0-9]{2}-[0-9]{2}') }} then case
      when not {{ ai_unit_economics.is_calendar_time(expression) }} then null
      when {{ ai_unit_economics.regex_matches(expression, ai_unit_economics.timestamp_with_offset_pattern(6)) }}
        then {{ ai_unit_economics.cast_timestamp_with_offset(expression) }}
      when {{ ai_unit_economics.regex_matches(expression, ai_unit_economics.timestamp_pattern(6)) }}
        then {{ ai_unit_economics.cast_timestamp(expression) }}
      when {{ ai_unit_economics.regex_matches(expression, ai_unit_economics.timestamp_with_offset_pattern(9)) }}
        then {{ ai_unit_economics.cast_timestamp_with_offset(cut) }}
      when {{ ai_unit_economics.regex_matches(expression, ai_unit_economics.timestamp_pattern(9)) }}
        then {{ ai_unit_economics.cast_timestamp(cut) }}
    end
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


{#- ---------------------------------------------------------------------------------------
    Typed input (Parquet, a warehouse table): a column that is already a number, timestamp or
    boolean is validated with typed predicates instead of the text patterns above, which stay
    the path for text (CSV). The same value gives the same result either way: a count must be
    a whole number from 0 to 15 digits, money must fit the money type, a zone-aware timestamp
    is converted to UTC. -#}

{#- A column's data type as one of: integer, float, decimal, timestamp, timestamptz, date,
    boolean, text (anything else: read as text). -#}
{% macro type_family(data_type) -%}
  {{ return(adapter.dispatch('type_family', 'ai_unit_economics')(data_type)) }}
{%- endmacro %}

{% macro default__type_family(data_type) -%}
  {%- set kind = (data_type or '') | string | lower | trim -%}
  {%- set base = kind.split('(')[0] | trim -%}
  {%- if base in ('bigint', 'integer', 'int', 'smallint', 'tinyint', 'int2', 'int4', 'int8',
      'int64', 'long', 'short', 'byte', 'serial', 'bigserial', 'hugeint', 'int128',
      'ubigint', 'uinteger', 'usmallint', 'utinyint', 'uhugeint', 'uint64', 'uint32',
      'uint16', 'uint8') -%}
    {{ return('integer') }}
  {%- elif base in ('double', 'double precision', 'float', 'float4', 'float8', 'float64', 'real') -%}
    {{ return('float') }}
  {%- elif base in ('decimal', 'numeric', 'number', 'bignumeric') -%}
    {{ return('decimal') }}
  {%- elif base in ('timestamp with time zone', 'timestamptz', 'timestamp_tz', 'timestamp_ltz') -%}
    {{ return('timestamptz') }}
  {%- elif base.startswith('timestamp') or base == 'datetime' -%}
    {{ return('timestamp') }}
  {%- elif base == 'date' -%}
    {{ return('date') }}
  {%- elif base in ('boolean', 'bool') -%}
    {{ return('boolean') }}
  {%- endif -%}
  {{ return('text') }}
{%- endmacro %}

{#- The typed value of `expression` (of `data_type`) as `kind` (count, money, timestamp,
    boolean), null when it is out of range; none when the type has no typed path (the
    caller then parses the text). -#}
{% macro typed_value(kind, expression, data_type) -%}
  {%- set family = ai_unit_economics.type_family(data_type) -%}
  {%- if kind == 'count' and family in ('integer', 'float', 'decimal') -%}
    {%- set whole = '' if family == 'integer' else ' and ' ~ expression ~ ' = floor(' ~ expression ~ ')' -%}
    {{ return('case when ' ~ expression ~ ' >= 0 and ' ~ expression ~ ' <= 999999999999999' ~ whole
        ~ ' then cast(' ~ expression ~ ' as ' ~ dbt.type_bigint() ~ ') end') }}
  {%- elif kind == 'money' and family in ('integer', 'float', 'decimal') -%}
    {{ return('case when ' ~ expression ~ ' > -1e22 and ' ~ expression ~ ' < 1e22 then cast('
        ~ expression ~ ' as ' ~ ai_unit_economics.type_money() ~ ') end') }}
  {%- elif kind == 'timestamp' and family in ('timestamp', 'date') -%}
    {{ return(ai_unit_economics.cast_timestamp(expression)) }}
  {%- elif kind == 'timestamp' and family == 'timestamptz' -%}
    {{ return(ai_unit_economics.cast_timestamp_with_offset(expression)) }}
  {%- elif kind == 'boolean' and family == 'boolean' -%}
    {{ return(expression) }}
  {%- endif -%}
  {{ return(none) }}
{%- endmacro %}

{#- The SQL type a typed value of `kind` has. -#}
{% macro typed_kind_type(kind) -%}
  {%- if kind == 'count' -%}{{ dbt.type_bigint() }}
  {%- elif kind == 'money' -%}{{ ai_unit_economics.type_money() }}
  {%- elif kind == 'timestamp' -%}{{ dbt.type_timestamp() }}
  {%- elif kind == 'boolean' -%}{{ dbt.type_boolean() }}
  {%- endif -%}
{%- endmacro %}

{#- `kind` from a source column that may be typed or text: the typed path when the column's
    type has one, else the text parser. Decided at compile time from the column's type. -#}
{% macro parse_typed_or_text(kind, expression, data_type, text_expression=none) -%}
  {%- set typed = ai_unit_economics.typed_value(kind, expression, data_type) -%}
  {%- if typed is not none -%}
    {{ typed }}
  {%- else -%}
    {%- set text = text_expression or ai_unit_economics.clean_text(expression) -%}
    {%- if kind == 'count' -%}{{ ai_unit_economics.parse_integer(text) }}
    {%- elif kind == 'money' -%}{{ ai_unit_economics.parse_decimal(text) }}
    {%- elif kind == 'timestamp' -%}{{ ai_unit_economics.parse_timestamp_utc(text) }}
    {%- elif kind == 'boolean' -%}{{ ai_unit_economics.parse_boolean(text) }}
    {%- endif -%}
  {%- endif -%}
{%- endmacro %}
