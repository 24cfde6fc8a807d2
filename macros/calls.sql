{#- Cost of `tokens` at a per-token price, in fixed point on every engine. -#}
{% macro token_cost(tokens, price_per_token) -%}
  cast({{ tokens }} as {{ ai_unit_economics.type_token_count() }})
    * cast({{ price_per_token }} as {{ ai_unit_economics.type_unit_price() }})
{%- endmacro %}

{#- Whether a span is an intent root (var aiue_intent_root_operations: invoke_agent,
    invoke_workflow, handle_conversation_turn); false for every span when the var is empty. -#}
{% macro is_intent_root(column='operation_name') -%}
  {%- set root_operations = var('aiue_intent_root_operations') -%}
  {{ column ~ ' in ' ~ ai_unit_economics.sql_string_list(root_operations) if root_operations else 'false' }}
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

{#- The usage types a call's tokens are priced by, the one list pricing, the allocation
    weights and the reconciliation read: per type, its tokens (a column of both
    int_aiue__calls_priced and aiue__llm_calls, never null), its rate column and its
    estimated cost column. Uncached input = input - cache read - cache write (input includes
    cached input, as OTel defines it); output includes reasoning. Per-modality counts are
    subsets of the totals, never added to them: image, audio and video input come out of
    uncached input (capped, in that order, so no part goes below 0; a modality token that was
    read from or written to the cache is priced as cache), audio output out of output. A
    modality type with `text_rate` is priced at that rate when the price seeds have no row
    for it (int_aiue__calls_priced flags the tokens: modality_tokens_at_text_rate); `side`
    output: an embeddings model without an output rate prices it at 0. -#}
{% macro usage_types() -%}
  {{ return([
    {'usage_type': 'input', 'tokens': 'uncached_text_input_tokens',
     'price': 'input_price_per_token', 'cost': 'estimated_input_cost', 'side': 'input'},
    {'usage_type': 'image_input', 'tokens': 'uncached_image_input_tokens',
     'price': 'image_input_price_per_token', 'cost': 'estimated_image_input_cost', 'side': 'input',
     'text_rate': 'input_price_per_token', 'reported': 'image_input_tokens'},
    {'usage_type': 'audio_input', 'tokens': 'uncached_audio_input_tokens',
     'price': 'audio_input_price_per_token', 'cost': 'estimated_audio_input_cost', 'side': 'input',
     'text_rate': 'input_price_per_token', 'reported': 'audio_input_tokens'},
    {'usage_type': 'video_input', 'tokens': 'uncached_video_input_tokens',
     'price': 'video_input_price_per_token', 'cost': 'estimated_video_input_cost', 'side': 'input',
     'text_rate': 'input_price_per_token', 'reported': 'video_input_tokens'},
    {'usage_type': 'cache_read', 'tokens': 'coalesce(cache_read_input_tokens, 0)',
     'price': 'cache_read_price_per_token', 'cost': 'estimated_cache_read_cost', 'side': 'input'},
    {'usage_type': 'cache_write', 'tokens': 'coalesce(cache_creation_input_tokens, 0)',
     'price': 'cache_write_price_per_token', 'cost': 'estimated_cache_write_cost', 'side': 'input'},
    {'usage_type': 'output', 'tokens': 'coalesce(output_tokens, 0) - coalesce(audio_output_tokens, 0)',
     'price': 'output_price_per_token', 'cost': 'estimated_output_cost', 'side': 'output'},
    {'usage_type': 'audio_output', 'tokens': 'coalesce(audio_output_tokens, 0)',
     'price': 'audio_output_price_per_token', 'cost': 'estimated_audio_output_cost', 'side': 'output',
     'text_rate': 'output_price_per_token', 'reported': 'audio_output_tokens'},
  ]) }}
{%- endmacro %}

{#- The per-modality usage types (those priced at a text rate when no modality price holds). -#}
{% macro modality_usage_types() -%}
  {{ return(ai_unit_economics.usage_types() | selectattr('text_rate', 'defined') | list) }}
{%- endmacro %}
