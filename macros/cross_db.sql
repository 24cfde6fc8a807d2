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


{#- Any other fixed-point type. BigQuery's NUMERIC allows at most 9 decimals and 29 integer
    digits, so it gets BIGNUMERIC, which holds every precision and scale up to 38. -#}
{% macro type_decimal(precision, scale) -%}
  {{ return(adapter.dispatch('type_decimal', 'ai_unit_economics')(precision, scale)) }}
{%- endmacro %}

{% macro default__type_decimal(precision, scale) -%}
  decimal({{ precision }}, {{ scale }})
{%- endmacro %}

{% macro bigquery__type_decimal(precision, scale) -%}
  bignumeric({{ precision }}, {{ scale }})
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


{#- Money arithmetic that keeps all 15 decimals on every engine. Spark types the sum or
    difference of two decimal(38,15) values decimal(38,14) (it gives up a decimal for the
    extra integer digit) and drops one more with every further term, so a residual of
    1e-15 vanishes and amounts stop adding up. On Spark the terms are narrowed first so the
    result still fits 38 digits: 19+ integer digits remain, ample for one row's money. -#}
{% macro money_sum(terms) -%}
  {{ return(adapter.dispatch('money_sum', 'ai_unit_economics')(terms)) }}
{%- endmacro %}

{% macro default__money_sum(terms) -%}
  ({{ terms | join(' + ') }})
{%- endmacro %}

{% macro spark__money_sum(terms) -%}
  {%- set precision = 39 - (terms | length) -%}
  ({% for term in terms -%}
    cast({{ term }} as decimal({{ precision }}, 15)){{ ' + ' if not loop.last }}
  {%- endfor %})
{%- endmacro %}

{% macro money_difference(minuend, subtrahend) -%}
  {{ return(adapter.dispatch('money_difference', 'ai_unit_economics')(minuend, subtrahend)) }}
{%- endmacro %}

{% macro default__money_difference(minuend, subtrahend) -%}
  ({{ minuend }} - {{ subtrahend }})
{%- endmacro %}

{% macro spark__money_difference(minuend, subtrahend) -%}
  (cast({{ minuend }} as decimal(37, 15)) - cast({{ subtrahend }} as decimal(37, 15)))
{%- endmacro %}


{#- A CTE that several steps read is inlined into each rather than held whole in memory,
    where the engine would otherwise materialize it (DuckDB, Postgres); Spark, Snowflake and
    BigQuery inline CTEs already and have no such keyword. -#}
{% macro cte_inlined() -%}
  {{ return(adapter.dispatch('cte_inlined', 'ai_unit_economics')()) }}
{%- endmacro %}

{% macro default__cte_inlined() -%}{%- endmacro %}

{% macro duckdb__cte_inlined() -%}not materialized{%- endmacro %}

{% macro postgres__cte_inlined() -%}not materialized{%- endmacro %}


{#- The value of `value` on the row whose `order_columns` (a list) come first, in one hash
    aggregate rather than a sort of every row. The columns must be unique within the group,
    so that several of these in one query pick the same row; a null `value` is returned as
    null, not skipped. -#}
{% macro arg_min(value, order_columns) -%}
  {{ return(adapter.dispatch('arg_min', 'ai_unit_economics')(value, order_columns)) }}
{%- endmacro %}

{% macro default__arg_min(value, order_columns) -%}
  min_by({{ value }}, struct({{ order_columns | join(', ') }}))
{%- endmacro %}

{% macro duckdb__arg_min(value, order_columns) -%}
  arg_min_null({{ value }}, row({{ order_columns | join(', ') }}))
{%- endmacro %}

{#- Postgres has no min_by: the first of the group's values in key order. -#}
{% macro postgres__arg_min(value, order_columns) -%}
  (array_agg({{ value }} order by {{ order_columns | join(', ') }}))[1]
{%- endmacro %}

{% macro bigquery__arg_min(value, order_columns) -%}
  array_agg(struct({{ value }} as value) order by {{ order_columns | join(', ') }} limit 1)[offset(0)].value
{%- endmacro %}
