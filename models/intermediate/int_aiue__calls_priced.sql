{#- Valid call spans priced at the rates that held on the UTC date of their start.
    Prices are resolved once per distinct (provider, model, day), not per call. -#}
with calls as (

    select
        *,
        coalesce(provider_name, '') as price_provider,
        coalesce(response_model, request_model, '') as price_model,
        coalesce(tool_name, '') as price_tool_name,
        cast(started_at as date) as call_date
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

price_keys as (

    select distinct
        calls.price_provider,
        calls.price_model,
        usage_types.usage_type,
        calls.call_date
    from calls
    cross join usage_types
    where calls.is_inference

),

matched_prices as (

    {{ ai_unit_economics.effective_dated_match(
        'price_keys', 'model_prices',
        ['price_provider', 'price_model', 'usage_type'], 'call_date', ['price_per_token']) }}

),

model_rates as (

    select
        price_provider,
        price_model,
        call_date,
        max(case when usage_type = 'input' then price_per_token end) as input_price_per_token,
        max(case when usage_type = 'output' then price_per_token end) as output_price_per_token,
        max(case when usage_type = 'cache_read' then price_per_token end) as cache_read_price_per_token,
        max(case when usage_type = 'cache_write' then price_per_token end) as cache_write_price_per_token
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
        matched_tool_rates.cost_per_call as tool_cost_per_call
    from calls
    left join model_rates
        on calls.price_provider = model_rates.price_provider
        and calls.price_model = model_rates.price_model
        and calls.call_date = model_rates.call_date
    left join matched_tool_rates
        on calls.price_tool_name = matched_tool_rates.price_tool_name
        and calls.call_date = matched_tool_rates.call_date

),

costed as (

    select
        *,
        case
            when is_inference
                then {{ ai_unit_economics.token_cost('uncached_input_tokens', 'input_price_per_token') }}
                    + {{ ai_unit_economics.token_cost('coalesce(cache_read_input_tokens, 0)', 'cache_read_price_per_token') }}
                    + {{ ai_unit_economics.token_cost('coalesce(cache_creation_input_tokens, 0)', 'cache_write_price_per_token') }}
                    + {{ ai_unit_economics.token_cost('coalesce(output_tokens, 0)', 'output_price_per_token') }}
        end as estimated_token_cost,
        case when is_tool then tool_cost_per_call end as estimated_tool_cost,
        is_inference and reported_cost is not null
            and reported_cost_currency = '{{ var("aiue_reporting_currency") }}' as has_reported_cost
    from token_parts

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
