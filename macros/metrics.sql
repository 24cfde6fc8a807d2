{#- Ratios in floating point, null when the denominator is zero (never an error). -#}
{% macro ratio(numerator, denominator) -%}
  cast({{ numerator }} as {{ ai_unit_economics.type_double() }})
    / nullif(cast({{ denominator }} as {{ ai_unit_economics.type_double() }}), 0)
{%- endmacro %}

{#- The unit-economics metrics from the additive sums of unit_economics_daily. Used by the
    mart itself; BI tools and `aiue metrics` re-aggregate the sums and apply the same. -#}
{% macro unit_economics_metrics() -%}
    {{ ai_unit_economics.ratio('successful_intents', 'labeled_intents') }} as success_rate,
    {{ ai_unit_economics.ratio('token_cost', 'tokens') }} * 1000000 as cost_per_million_tokens,
    {{ ai_unit_economics.ratio('total_cost', 'intents') }} as cost_per_intent,
    {{ ai_unit_economics.ratio('labeled_total_cost', 'successful_intents') }} as cost_per_success,
    {{ ai_unit_economics.ratio('escalated_intents', 'labeled_intents') }} as escalation_rate,
    {{ ai_unit_economics.ratio('turns', 'intents') }} as avg_turns_per_intent,
    labeled_intents >= {{ var('aiue_min_sample_intents') }} as is_sufficient_sample
{%- endmacro %}
