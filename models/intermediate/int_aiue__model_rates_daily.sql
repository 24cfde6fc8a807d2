{#- The token rates of each (telemetry provider, model, day) that calls need, so pricing a
    call is one join. The model is the call's response model, else its request model.
    A model the price seeds do not name is priced as its family when they name that: the
    name without a snapshot suffix (claude-sonnet-4-20250514, gpt-4o-2024-08-06,
    gpt-4-0613, gemini-1.5-pro-002, ...-latest); priced_model says which seed model it is.
    Per usage type a negotiated rate (aiue_model_price_overrides) that holds on the day wins
    over the list price; cache rates fall back to the input rate. A key no price row covers
    on its day keeps null rates and a null priced_model. -#}
with calls as (

    select
        coalesce(provider_name, '') as telemetry_provider,
        coalesce(response_model, request_model, '') as telemetry_model,
        cast(started_at as date) as call_date
    from {{ ref('int_aiue__spans_validated') }}
    where rejection_reason is null and is_inference

),

rate_keys as (

    select distinct telemetry_provider, telemetry_model, call_date
    from calls

),

list_prices as (

    select
        provider as price_provider,
        model as priced_model,
        usage_type,
        valid_from,
        valid_to,
        price_per_token
    from {{ ref('stg_aiue__seed_model_prices') }}

),

negotiated_prices as (

    select
        provider as price_provider,
        model as priced_model,
        usage_type,
        valid_from,
        valid_to,
        price_per_token
    from {{ ref('stg_aiue__seed_model_price_overrides') }}
    where price_per_token is not null and valid_from is not null

),

seed_models as (

    select price_provider, priced_model from list_prices
    union
    select price_provider, priced_model from negotiated_prices

),

model_keys as (

    select distinct
        telemetry_provider,
        telemetry_model,
        {{ ai_unit_economics.regex_extract(
            'telemetry_model',
            '^(.+)-([0-9]{8}|[0-9]{4}-[0-9]{2}-[0-9]{2}|[0-9]{3,4}|latest)$') }} as model_family
    from rate_keys

),

seed_model_matches as (

    select
        model_keys.telemetry_provider,
        model_keys.telemetry_model,
        max(case when seed_models.priced_model = model_keys.telemetry_model then 1 else 0 end) = 1
            as has_exact_price,
        max(case when seed_models.priced_model = model_keys.model_family then 1 else 0 end) = 1
            as has_family_price
    from model_keys
    inner join seed_models
        on (seed_models.priced_model = model_keys.telemetry_model
            or seed_models.priced_model = model_keys.model_family)
        and (seed_models.price_provider = model_keys.telemetry_provider
            or seed_models.price_provider = '*')
    group by model_keys.telemetry_provider, model_keys.telemetry_model

),

priced_models as (

    select
        model_keys.telemetry_provider,
        model_keys.telemetry_model,
        model_keys.telemetry_provider as price_provider,
        case
            when seed_model_matches.has_family_price and not seed_model_matches.has_exact_price
                then model_keys.model_family
            else model_keys.telemetry_model
        end as priced_model
    from model_keys
    left join seed_model_matches
        on model_keys.telemetry_provider = seed_model_matches.telemetry_provider
        and model_keys.telemetry_model = seed_model_matches.telemetry_model

),

usage_types as (

    {% for usage in ai_unit_economics.usage_types() -%}
    select '{{ usage.usage_type }}' as usage_type
    {{ "union all" if not loop.last }}
    {% endfor %}

),

price_keys as (

    select distinct
        priced_models.price_provider,
        priced_models.priced_model,
        usage_types.usage_type,
        rate_keys.call_date
    from rate_keys
    inner join priced_models
        on rate_keys.telemetry_provider = priced_models.telemetry_provider
        and rate_keys.telemetry_model = priced_models.telemetry_model
    cross join usage_types

),

list_prices_matched as (

    {{ ai_unit_economics.effective_dated_match(
        'price_keys', 'list_prices',
        ['price_provider', 'priced_model', 'usage_type'], 'call_date', ['price_per_token']) }}

),

negotiated_prices_matched as (

    {{ ai_unit_economics.effective_dated_match(
        'price_keys', 'negotiated_prices',
        ['price_provider', 'priced_model', 'usage_type'], 'call_date', ['price_per_token']) }}

),

matched_prices as (

    select
        price_keys.price_provider,
        price_keys.priced_model,
        price_keys.usage_type,
        price_keys.call_date,
        coalesce(negotiated_prices_matched.price_per_token, list_prices_matched.price_per_token)
            as price_per_token,
        negotiated_prices_matched.price_per_token is not null as is_negotiated
    from price_keys
    left join list_prices_matched
        on price_keys.price_provider = list_prices_matched.price_provider
        and price_keys.priced_model = list_prices_matched.priced_model
        and price_keys.usage_type = list_prices_matched.usage_type
        and price_keys.call_date = list_prices_matched.call_date
    left join negotiated_prices_matched
        on price_keys.price_provider = negotiated_prices_matched.price_provider
        and price_keys.priced_model = negotiated_prices_matched.priced_model
        and price_keys.usage_type = negotiated_prices_matched.usage_type
        and price_keys.call_date = negotiated_prices_matched.call_date
    where coalesce(negotiated_prices_matched.price_per_token, list_prices_matched.price_per_token)
        is not null

),

day_rates as (

    select
        price_provider,
        priced_model,
        call_date,
        {% for usage in ai_unit_economics.usage_types() -%}
        max(case when usage_type = '{{ usage.usage_type }}' then price_per_token end)
            as {{ usage.price }},
        {% endfor -%}
        max(case when is_negotiated then 1 else 0 end) = 1 as has_negotiated_price
    from matched_prices
    group by price_provider, priced_model, call_date

),

final as (

    select
        rate_keys.telemetry_provider,
        rate_keys.telemetry_model,
        rate_keys.call_date,
        priced_models.price_provider,
        case when day_rates.priced_model is not null then priced_models.priced_model end
            as priced_model,
        cast(day_rates.input_price_per_token as {{ ai_unit_economics.type_unit_price() }})
            as input_price_per_token,
        cast(day_rates.output_price_per_token as {{ ai_unit_economics.type_unit_price() }})
            as output_price_per_token,
        cast(coalesce(day_rates.cache_read_price_per_token, day_rates.input_price_per_token)
            as {{ ai_unit_economics.type_unit_price() }}) as cache_read_price_per_token,
        cast(coalesce(day_rates.cache_write_price_per_token, day_rates.input_price_per_token)
            as {{ ai_unit_economics.type_unit_price() }}) as cache_write_price_per_token,
        coalesce(day_rates.has_negotiated_price, false) as has_negotiated_price
    from rate_keys
    inner join priced_models
        on rate_keys.telemetry_provider = priced_models.telemetry_provider
        and rate_keys.telemetry_model = priced_models.telemetry_model
    left join day_rates
        on priced_models.price_provider = day_rates.price_provider
        and priced_models.priced_model = day_rates.priced_model
        and rate_keys.call_date = day_rates.call_date

)

select * from final
