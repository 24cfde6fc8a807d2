{#- Valid call spans priced at the rates that held on the UTC date of their start.
    Prices are resolved once per distinct (provider, model, day), not per call; a negotiated
    rate (aiue_model_price_overrides) that holds wins over the list price, per usage type.
    A model the seeds do not name is priced as its family when the seeds name that: the name
    without a snapshot suffix (claude-sonnet-4-20250514, gpt-4o-2024-08-06, gpt-4-0613,
    gemini-1.5-pro-002, ...-latest); priced_model says which seed model priced the call.
    cost_source here is the cost before billing (gateway_reported > estimated > unpriced);
    int_aiue__calls_allocated puts the invoice on top (DESIGN.md §5). -#}
with calls as (

    select
        *,
        coalesce(provider_name, '') as price_provider,
        coalesce(response_model, request_model, '') as price_model,
        coalesce(tool_name, '') as price_tool_name,
        cast(started_at as date) as call_date,
        {{ dbt.concat(['trace_id', "'-'", 'span_id']) }} as call_id
    from {{ ref('int_aiue__spans_validated') }}
    where rejection_reason is null

),

model_prices as (

    select
        provider as price_provider,
        model as price_model,
        usage_type,
        valid_from,
        valid_to,
        price_per_token
    from {{ ref('stg_aiue__seed_model_prices') }}

),

negotiated_prices as (

    select
        provider as price_provider,
        model as price_model,
        usage_type,
        valid_from,
        valid_to,
        price_per_token
    from {{ ref('stg_aiue__seed_model_price_overrides') }}
    where price_per_token is not null and valid_from is not null

),

tool_rates as (

    select
        tool_name as price_tool_name,
        valid_from,
        valid_to,
        cost_per_call
    from {{ ref('stg_aiue__seed_tool_costs') }}

),

usage_types as (

    select 'input' as usage_type
    union all select 'output'
    union all select 'cache_read'
    union all select 'cache_write'

),

seed_models as (

    select price_provider, price_model from model_prices
    union
    select price_provider, price_model from negotiated_prices

),

call_models as (

    select distinct
        price_provider,
        price_model,
        {{ ai_unit_economics.regex_extract(
            'price_model',
            '^(.+)-([0-9]{8}|[0-9]{4}-[0-9]{2}-[0-9]{2}|[0-9]{3,4}|latest)$') }} as model_family
    from calls
    where is_inference

),

seed_model_matches as (

    select
        call_models.price_provider,
        call_models.price_model,
        max(case when seed_models.price_model = call_models.price_model then 1 else 0 end) = 1
            as has_exact_price,
        max(case when seed_models.price_model = call_models.model_family then 1 else 0 end) = 1
            as has_family_price
    from call_models
    inner join seed_models
        on (seed_models.price_model = call_models.price_model
            or seed_models.price_model = call_models.model_family)
        and (seed_models.price_provider = call_models.price_provider
            or seed_models.price_provider = '*')
    group by call_models.price_provider, call_models.price_model

),

model_keys as (

    select
        call_models.price_provider,
        call_models.price_model,
        case
            when seed_model_matches.has_family_price and not seed_model_matches.has_exact_price
                then call_models.model_family
            else call_models.price_model
        end as priced_model
    from call_models
    left join seed_model_matches
        on call_models.price_provider = seed_model_matches.price_provider
        and call_models.price_model = seed_model_matches.price_model

),

price_keys as (

    select distinct
        calls.price_provider,
        model_keys.priced_model as price_model,
        usage_types.usage_type,
        calls.call_date
    from calls
    inner join model_keys
        on calls.price_provider = model_keys.price_provider
        and calls.price_model = model_keys.price_model
    cross join usage_types
    where calls.is_inference

),

list_prices_matched as (

    {{ ai_unit_economics.effective_dated_match(
        'price_keys', 'model_prices',
        ['price_provider', 'price_model', 'usage_type'], 'call_date', ['price_per_token']) }}

),

negotiated_prices_matched as (

    {{ ai_unit_economics.effective_dated_match(
        'price_keys', 'negotiated_prices',
        ['price_provider', 'price_model', 'usage_type'], 'call_date', ['price_per_token']) }}

),

matched_prices as (

    select
        price_keys.price_provider,
        price_keys.price_model,
        price_keys.usage_type,
        price_keys.call_date,
        coalesce(negotiated_prices_matched.price_per_token, list_prices_matched.price_per_token)
            as price_per_token,
        negotiated_prices_matched.price_per_token is not null as is_negotiated
    from price_keys
    left join list_prices_matched
        on price_keys.price_provider = list_prices_matched.price_provider
        and price_keys.price_model = list_prices_matched.price_model
        and price_keys.usage_type = list_prices_matched.usage_type
        and price_keys.call_date = list_prices_matched.call_date
    left join negotiated_prices_matched
        on price_keys.price_provider = negotiated_prices_matched.price_provider
        and price_keys.price_model = negotiated_prices_matched.price_model
        and price_keys.usage_type = negotiated_prices_matched.usage_type
        and price_keys.call_date = negotiated_prices_matched.call_date
    where coalesce(negotiated_prices_matched.price_per_token, list_prices_matched.price_per_token) is not null

),

model_rates as (

    select
        price_provider,
        price_model,
        call_date,
        max(case when usage_type = 'input' then price_per_token end) as input_price_per_token,
        max(case when usage_type = 'output' then price_per_token end) as output_price_per_token,
        max(case when usage_type = 'cache_read' then price_per_token end) as cache_read_price_per_token,
        max(case when usage_type = 'cache_write' then price_per_token end) as cache_write_price_per_token,
        max(case when is_negotiated then 1 else 0 end) = 1 as has_negotiated_price
    from matched_prices
    group by price_provider, price_model, call_date

),

tool_keys as (

    select distinct price_tool_name, call_date
    from calls
    where calls.is_tool

),

matched_tool_rates as (

    {{ ai_unit_economics.effective_dated_match(
        'tool_keys', 'tool_rates', ['price_tool_name'], 'call_date', ['cost_per_call']) }}

),

token_parts as (

    select
        calls.*,
        coalesce(calls.input_tokens, 0)
            - coalesce(calls.cache_read_input_tokens, 0)
            - coalesce(calls.cache_creation_input_tokens, 0) as uncached_input_tokens,
        model_rates.input_price_per_token,
        model_rates.output_price_per_token,
        coalesce(model_rates.cache_read_price_per_token, model_rates.input_price_per_token)
            as cache_read_price_per_token,
        coalesce(model_rates.cache_write_price_per_token, model_rates.input_price_per_token)
            as cache_write_price_per_token,
        coalesce(model_rates.has_negotiated_price, false) as has_negotiated_price,
        case when model_rates.price_model is not null then model_keys.priced_model end as priced_model,
        matched_tool_rates.cost_per_call as tool_cost_per_call
    from calls
    left join model_keys
        on calls.price_provider = model_keys.price_provider
        and calls.price_model = model_keys.price_model
    left join model_rates
        on calls.price_provider = model_rates.price_provider
        and model_keys.priced_model = model_rates.price_model
        and calls.call_date = model_rates.call_date
    left join matched_tool_rates
        on calls.price_tool_name = matched_tool_rates.price_tool_name
        and calls.call_date = matched_tool_rates.call_date

),

token_part_costs as (

    select
        *,
        case when is_inference
            then {{ ai_unit_economics.token_cost('uncached_input_tokens', 'input_price_per_token') }}
        end as estimated_input_cost,
        case when is_inference
            then {{ ai_unit_economics.token_cost('coalesce(cache_read_input_tokens, 0)', 'cache_read_price_per_token') }}
        end as estimated_cache_read_cost,
        case when is_inference
            then {{ ai_unit_economics.token_cost('coalesce(cache_creation_input_tokens, 0)', 'cache_write_price_per_token') }}
        end as estimated_cache_write_cost,
        case when is_inference
            then {{ ai_unit_economics.token_cost('coalesce(output_tokens, 0)', 'output_price_per_token') }}
        end as estimated_output_cost
    from token_parts

),

costed as (

    select
        *,
        {{ ai_unit_economics.money_sum([
            'estimated_input_cost', 'estimated_cache_read_cost', 'estimated_cache_write_cost',
            'estimated_output_cost']) }} as estimated_token_cost,
        case when is_tool then tool_cost_per_call end as estimated_tool_cost,
        is_inference and reported_cost is not null
            and reported_cost_currency = '{{ var("aiue_reporting_currency") }}' as has_reported_cost
    from token_part_costs

),

final as (

    select
        *,
        case
            when has_reported_cost then 'gateway_reported'
            when is_inference and estimated_token_cost is not null then 'estimated'
            when is_tool and estimated_tool_cost is not null then 'estimated'
            else 'unpriced'
        end as cost_source,
        cast(
            case
                when has_reported_cost then reported_cost
                when is_inference then coalesce(estimated_token_cost, 0)
                else 0
            end as {{ ai_unit_economics.type_money() }}
        ) as token_cost,
        cast(coalesce(estimated_tool_cost, 0) as {{ ai_unit_economics.type_money() }}) as tool_cost
    from costed

)

select * from final
