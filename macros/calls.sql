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
  {{ return(adapter.dispatch('labor_rate', 'ai_unit_economics')(stated_cost, minutes, hourly_rate)) }}
{%- endmacro %}

{% macro default__labor_rate(stated_cost, minutes, hourly_rate) -%}
  cast(
    coalesce({{ stated_cost }}, {{ minutes }} * {{ hourly_rate }} / 60)
    as {{ ai_unit_economics.type_money() }}
  )
{%- endmacro %}

{#- Spark types decimal(38,15) x decimal(38,15) as decimal(38,6): narrowed to 6 decimals a
    side first, the product and the division by 60 keep 15 decimals. -#}
{% macro spark__labor_rate(stated_cost, minutes, hourly_rate) -%}
  cast(
    coalesce(
      {{ stated_cost }},
      cast({{ minutes }} as decimal(17, 6)) * cast({{ hourly_rate }} as decimal(17, 6))
        / cast(60 as decimal(2, 0))
    )
    as {{ ai_unit_economics.type_money() }}
  )
{%- endmacro %}
