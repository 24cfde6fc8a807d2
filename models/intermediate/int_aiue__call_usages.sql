{{ config(materialized='view') }}
{#- One row per inference call and usage type it has tokens of (ai_unit_economics.usage_types:
    input = uncached text input, the per-modality types, cache_read, cache_write, output): the
    tokens, the rate and the estimated cost of that part. The allocation weights of token buckets and the unbilled
    rows of the reconciliation read it. -#}
with calls as (

    select
        call_id,
        call_date,
        provider_name,
        response_model,
        priced_model,
        request_model,
        {% for usage in ai_unit_economics.usage_types() -%}
        {{ usage.tokens }} as {{ usage.usage_type }}_tokens,
        {{ usage.price }},
        {{ usage.cost }}{{ "," if not loop.last }}
        {% endfor %}
    from {{ ref('int_aiue__calls_priced') }}
    where is_inference

),

final as (

    {% for usage in ai_unit_economics.usage_types() -%}
    select
        call_id,
        '{{ usage.usage_type }}' as usage_type,
        provider_name,
        response_model,
        priced_model,
        request_model,
        {{ usage.usage_type }}_tokens as tokens,
        {{ usage.price }} as price_per_token,
        {{ usage.cost }} as estimated_cost,
        call_date
    from calls
    where {{ usage.usage_type }}_tokens > 0
    {{ "union all" if not loop.last }}
    {% endfor %}

)

select * from final
