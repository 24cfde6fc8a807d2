{#- Staging for a token price seed (aiue_model_prices and aiue_model_price_overrides share
    their columns and rules): cleaned text keys, parsed numbers and dates, the raw text kept
    beside each parsed value so a data test can name a cell that does not parse. -#}
{% macro stage_price_seed(seed_name) -%}
with source as (

    select * from {{ ai_unit_economics.seed_relation(seed_name) }}

),

parsed as (

    select
        lower({{ ai_unit_economics.clean_text('provider') }}) as provider,
        lower({{ ai_unit_economics.clean_text('model') }}) as model,
        lower({{ ai_unit_economics.clean_text('usage_type') }}) as usage_type,
        upper({{ ai_unit_economics.clean_text('currency') }}) as currency,
        {{ ai_unit_economics.clean_text('source') }} as price_source,
        {{ ai_unit_economics.parse_decimal(ai_unit_economics.clean_text('price_per_million')) }} as price_per_million,
        {{ ai_unit_economics.parse_date(ai_unit_economics.clean_text('valid_from')) }} as valid_from,
        {{ ai_unit_economics.parse_date(ai_unit_economics.clean_text('valid_to')) }} as valid_to,
        {{ ai_unit_economics.clean_text('price_per_million') }} as raw_price_per_million,
        {{ ai_unit_economics.clean_text('valid_from') }} as raw_valid_from,
        {{ ai_unit_economics.clean_text('valid_to') }} as raw_valid_to
    from source

),

final as (

    select
        *,
        cast(price_per_million / 1000000 as {{ ai_unit_economics.type_unit_price() }}) as price_per_token
    from parsed

)

select * from final
{%- endmacro %}
