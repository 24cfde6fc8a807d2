{#- Calls with the invoice on top of their estimate. Cost precedence (DESIGN.md §5):
      invoice_exact     a FOCUS row named the call's request id;
      invoice_share     its share of token or provider buckets of the invoice;
      gateway_reported  the gateway's own figure (no billing covers the call);
      estimated         the dated price seed (no billing covers the call);
      self_hosted       no token price, but a GPU share (its cost is in infra_cost);
      unpriced          nothing: 0, flagged.
    token_cost follows that precedence; estimated_cost keeps the cost before billing.
    infra_cost is the call's share of GPU and feature-tagged platform buckets.
    allocated_cost is every billed amount that landed on the call (token + infra). -#}
with calls as (

    select * from {{ ref('int_aiue__calls_priced') }}

),

shares as (

    select
        call_id,
        sum(case when bucket_kind = 'request' then allocated_cost end) as invoice_exact_cost,
        sum(case when bucket_kind in ('token', 'provider') then allocated_cost end) as invoice_share_cost,
        sum(case when bucket_kind in ('gpu', 'feature') then allocated_cost end) as infra_share_cost,
        sum(case when bucket_kind = 'gpu' then allocated_cost end) as gpu_cost,
        sum(case when bucket_kind = 'feature' then allocated_cost end) as platform_cost,
        count(*) as billing_buckets
    from {{ ref('int_aiue__billing_shares_allocated') }}
    group by call_id

),

final as (

    select
        calls.call_id,
        calls.trace_id,
        calls.span_id,
        calls.parent_span_id,
        calls.intent_id,
        calls.conversation_id,
        calls.response_id,
        calls.user_id,
        calls.feature_tag,
        calls.service_name,
        calls.operation_name,
        calls.provider_name,
        calls.telemetry_provider_name,
        calls.price_provider,
        calls.request_model,
        calls.response_model,
        calls.priced_model,
        calls.tool_name,
        calls.status_code,
        calls.error_type,
        calls.prompt_version,{{ ai_unit_economics.passthrough_list('calls.') }}
        calls.reported_cost_currency,
        calls.attempt,
        calls.turn_index,
        calls.input_tokens,
        calls.output_tokens,
        calls.uncached_input_tokens,
        calls.cache_read_input_tokens,
        calls.cache_creation_input_tokens,
        calls.reasoning_output_tokens,
        calls.input_price_per_token,
        calls.output_price_per_token,
        calls.cache_read_price_per_token,
        calls.cache_write_price_per_token,
        calls.estimated_input_cost,
        calls.estimated_cache_read_cost,
        calls.estimated_cache_write_cost,
        calls.estimated_output_cost,
        calls.estimated_token_cost,
        calls.reported_cost,
        calls.tool_cost,
        calls.is_inference,
        calls.is_tool,
        calls.has_usage,
        calls.has_negotiated_price,
        calls.is_intent_id_inferred,
        calls.call_date,
        calls.started_at,
        calls.ended_at,
        calls.source_file,
        calls.source_row_number,
        case
            when shares.invoice_exact_cost is not null then 'invoice_exact'
            when shares.invoice_share_cost is not null then 'invoice_share'
            when calls.cost_source = 'unpriced' and shares.gpu_cost is not null then 'self_hosted'
            else calls.cost_source
        end as cost_source,
        calls.cost_source as estimated_cost_source,
        cast(
            case
                when shares.invoice_exact_cost is not null or shares.invoice_share_cost is not null
                    then {{ ai_unit_economics.money_sum([
                        'coalesce(shares.invoice_exact_cost, 0)', 'coalesce(shares.invoice_share_cost, 0)']) }}
                else calls.token_cost
            end as {{ ai_unit_economics.type_money() }}
        ) as token_cost,
        calls.token_cost as estimated_cost,
        cast(coalesce(shares.infra_share_cost, 0) as {{ ai_unit_economics.type_money() }}) as infra_cost,
        cast(coalesce(shares.gpu_cost, 0) as {{ ai_unit_economics.type_money() }}) as gpu_cost,
        cast(coalesce(shares.platform_cost, 0) as {{ ai_unit_economics.type_money() }}) as platform_cost,
        cast(
            {{ ai_unit_economics.money_sum([
                'coalesce(shares.invoice_exact_cost, 0)', 'coalesce(shares.invoice_share_cost, 0)',
                'coalesce(shares.infra_share_cost, 0)']) }}
            as {{ ai_unit_economics.type_money() }}
        ) as allocated_cost,
        coalesce(shares.billing_buckets, 0) as billing_buckets,
        shares.call_id is not null as is_billed,
        shares.invoice_exact_cost is null and shares.invoice_share_cost is null
            and shares.gpu_cost is null as is_unbilled
    from calls
    left join shares
        on calls.call_id = shares.call_id

)

select * from final
