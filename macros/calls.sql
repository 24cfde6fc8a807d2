{#- Cost of `tokens` at a per-token price, in fixed point on every engine. -#}
{% macro token_cost(tokens, price_per_token) -%}
  cast({{ tokens }} as {{ ai_unit_economics.type_token_count() }})
    * cast({{ price_per_token }} as {{ ai_unit_economics.type_unit_price() }})
{%- endmacro %}

{#- A list var rendered as a SQL string list: ('chat', 'embeddings'). -#}
{% macro sql_string_list(values) -%}
  ({%- for value in values -%}'{{ value }}'{{ ", " if not loop.last }}{%- endfor -%})
{%- endmacro %}

{#- A labour rate: the stated cost when FinOps gave one, else minutes x hourly rate / 60. -#}
{% macro labor_rate(stated_cost, minutes, hourly_rate) -%}
  cast(
    coalesce({{ stated_cost }}, {{ minutes }} * {{ hourly_rate }} / 60)
    as {{ ai_unit_economics.type_money() }}
  )
{%- endmacro %}
