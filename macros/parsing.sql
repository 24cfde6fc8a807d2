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
