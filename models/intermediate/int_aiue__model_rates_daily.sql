{#- The token rates of each (telemetry provider, model, day) that inference calls need, so
    pricing a call is one join. The model is the call's response model, else its request model.
    aiue_provider_map turns the provider as telemetry writes it (azure, az.ai.openai, bedrock,
    gcp.vertex_ai, ...) into the provider the call is reported and billed under (provider_name)
    and offers price candidates: the call's own provider and model first (a user's own Azure
    rows win), then each matching map row in priority order (its price_provider, and the model
    its model_pattern captures: anthropic.claude-3-5-sonnet-20240620-v1:0 ->
    claude-3-5-sonnet-20240620). The first candidate the price seeds name, as itself or as its
    family (the name without a snapshot suffix: -20250514, -2024-08-06, -0613, -002, -latest),
    prices the key; priced_model and price_provider say which. Per usage type a negotiated
    rate (aiue_model_price_overrides) that holds on the day wins over the list price; cache
    rates fall back to the input rate. A key no price row covers on its day keeps null rates
    and a null priced_model. -#}
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

provider_map as (

    select
        provider_alias,
        model_pattern,
        provider,
        price_provider,
        coalesce(priority, 1000) as priority
    from {{ ref('stg_aiue__seed_provider_map') }}
    where provider_alias is not null

),

model_keys as (

    select distinct telemetry_provider, telemetry_model
    from rate_keys

),

map_matches as (

    select
        model_keys.telemetry_provider,
        model_keys.telemetry_model,
        provider_map.provider,
        provider_map.price_provider,
        case
            when provider_map.model_pattern is null then model_keys.telemetry_model
            else {{ ai_unit_economics.regex_extract_column(
                'model_keys.telemetry_model', 'provider_map.model_pattern') }}
        end as mapped_model,
        row_number() over (
            partition by model_keys.telemetry_provider, model_keys.telemetry_model
            order by
                provider_map.priority,
                case when provider_map.provider_alias = '*' then 1 else 0 end,
                provider_map.model_pattern nulls last,
                provider_map.provider nulls last,
                provider_map.price_provider nulls last
        ) as map_rank
    from model_keys
    inner join provider_map
        on (provider_map.provider_alias = model_keys.telemetry_provider
            or provider_map.provider_alias = '*')
        and (provider_map.model_pattern is null
            or {{ ai_unit_economics.regex_matches_column(
                'model_keys.telemetry_model', 'provider_map.model_pattern') }})

),

mapped_providers as (

    select telemetry_provider, telemetry_model, provider
    from (
        select
            telemetry_provider,
            telemetry_model,
            provider,
            row_number() over (
                partition by telemetry_provider, telemetry_model order by map_rank
            ) as provider_rank
        from map_matches
        where provider is not null
    ) as ranked_providers
    where provider_rank = 1

),

keyed_models as (

    select
        model_keys.telemetry_provider,
        model_keys.telemetry_model,
        coalesce(mapped_providers.provider, model_keys.telemetry_provider) as provider_name
    from model_keys
    left join mapped_providers
        on model_keys.telemetry_provider = mapped_providers.telemetry_provider
        and model_keys.telemetry_model = mapped_providers.telemetry_model

),

candidates as (

    select
        telemetry_provider,
        telemetry_model,
        0 as candidate_rank,
        provider_name as price_provider,
        telemetry_model as candidate_model
    from keyed_models

    union all

    select
        map_matches.telemetry_provider,
        map_matches.telemetry_model,
        map_matches.map_rank as candidate_rank,
        coalesce(map_matches.price_provider, keyed_models.provider_name) as price_provider,
        map_matches.mapped_model as candidate_model
    from map_matches
    inner join keyed_models
        on map_matches.telemetry_provider = keyed_models.telemetry_provider
        and map_matches.telemetry_model = keyed_models.telemetry_model
    where map_matches.mapped_model is not null

),

candidate_families as (

    select
        *,
        {{ ai_unit_economics.regex_extract(
            'candidate_model',
            '^(.+)-([0-9]{8}|[0-9]{4}-[0-9]{2}-[0-9]{2}|[0-9]{3,4}|latest)$') }} as model_family
    from candidates

),

candidate_matches as (

    select
        candidate_families.telemetry_provider,
        candidate_families.telemetry_model,
        candidate_families.candidate_rank,
        candidate_families.price_provider,
        case
            when max(case when seed_models.priced_model = candidate_families.candidate_model then 1 else 0 end) = 1
                then candidate_families.candidate_model
            else candidate_families.model_family
        end as priced_model
    from candidate_families
    inner join seed_models
        on (seed_models.priced_model = candidate_families.candidate_model
            or seed_models.priced_model = candidate_families.model_family)
        and (seed_models.price_provider = candidate_families.price_provider
            or seed_models.price_provider = '*')
    group by
        candidate_families.telemetry_provider,
        candidate_families.telemetry_model,
        candidate_families.candidate_rank,
        candidate_families.price_provider,
        candidate_families.candidate_model,
        candidate_families.model_family

),

best_candidates as (

    select telemetry_provider, telemetry_model, price_provider, priced_model
    from (
        select
            *,
            row_number() over (
                partition by telemetry_provider, telemetry_model order by candidate_rank
            ) as candidate_order
        from candidate_matches
    ) as ordered_candidates
    where candidate_order = 1

),

priced_models as (

    select
        keyed_models.telemetry_provider,
        keyed_models.telemetry_model,
        keyed_models.provider_name,
        coalesce(best_candidates.price_provider, keyed_models.provider_name) as price_provider,
        coalesce(best_candidates.priced_model, keyed_models.telemetry_model) as priced_model
    from keyed_models
    left join best_candidates
        on keyed_models.telemetry_provider = best_candidates.telemetry_provider
        and keyed_models.telemetry_model = best_candidates.telemetry_model

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
        nullif(priced_models.provider_name, '') as provider_name,
        case when day_rates.priced_model is not null then priced_models.price_provider end
            as price_provider,
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
        {#- A modality's own rate, null when the seeds have none (int_aiue__calls_priced then
            prices its tokens at the text rate, flagged). #}
        {% for usage in ai_unit_economics.modality_usage_types() -%}
        cast(day_rates.{{ usage.price }} as {{ ai_unit_economics.type_unit_price() }}) as {{ usage.price }},
        {% endfor -%}
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
