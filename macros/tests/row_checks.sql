{#- Every per-column rule of a model checked in one scan: each rule written as its own data
    test would read the whole table again (at 10M calls, the tests read more than the models
    wrote). Fails with one row per broken rule: the rule, how many rows break it and one
    of their values.
      not_null: [column, ...]           the column has a value
      non_negative: [column, ...]       the value is not below 0 (null passes)
      accepted_values: {column: [...]}  the value is one of these (null passes, as in dbt's)
      parsed: {column: raw_column}      text given in raw_column parsed into column -#}
{% test row_checks(model, not_null=[], non_negative=[], accepted_values={}, parsed={}) %}
{%- set checks = [] -%}
{%- for column in not_null -%}
  {%- do checks.append((column ~ ' is null', column ~ ' is null', 'null')) -%}
{%- endfor -%}
{%- for column in non_negative -%}
  {%- do checks.append((column ~ ' is negative', column ~ ' < 0', column)) -%}
{%- endfor -%}
{%- for column, values in accepted_values.items() -%}
  {%- set listed = "'" ~ values | join("', '") ~ "'" -%}
  {%- do checks.append((column ~ ' is not one of ' ~ values | join(', '),
      column ~ ' not in (' ~ listed ~ ')', column)) -%}
{%- endfor -%}
{%- for column, raw_column in parsed.items() -%}
  {%- do checks.append((raw_column ~ ' did not parse into ' ~ column,
      raw_column ~ ' is not null and ' ~ column ~ ' is null', raw_column)) -%}
{%- endfor -%}
with counted as (

    select
        {% for name, condition, example in checks -%}
        sum(case when {{ condition }} then 1 else 0 end) as broken_{{ loop.index }},
        min(case when {{ condition }} then cast({{ example if example != 'null' else 'null' }} as {{ dbt.type_string() }}) end) as example_{{ loop.index }}{{ "," if not loop.last }}
        {% endfor %}
    from {{ model }}

)

{% for name, condition, example in checks -%}
select '{{ name | replace("'", "''") }}' as broken_rule, broken_{{ loop.index }} as broken_rows, example_{{ loop.index }} as example_value
from counted
where broken_{{ loop.index }} > 0
{{ "union all" if not loop.last }}
{% endfor %}
{% endtest %}
