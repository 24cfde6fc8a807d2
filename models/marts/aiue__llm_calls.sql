{#- The call mart, written once: each valid call priced (int_aiue__calls_priced, a view) with
    the invoice on top. Cost precedence (DESIGN.md §5):
      invoice_exact     a FOCUS row named the call's request id;
      invoice_share     its share of token or provider buckets of the invoice;
      gateway_reported  the gateway's own figure (no billing covers the call);
      estimated         the dated price seed (no billing covers the call);
      self_hosted       no token price, but a GPU share (its cost is in infra_cost);
      unpriced          nothing: 0, flagged.
    token_cost follows that precedence; estimated_cost keeps the cost before billing.
    infra_cost is the call's share of GPU and feature-tagged platform buckets.
    allocated_cost is every billed amount that landed on the call (token + infra). Written
    once and kept narrow: its key is trace_id and span_id (no stored call_id), and the rates
    that priced a call are int_aiue__calls_priced's (a view), not stored per row. Without
    billing input (no FOCUS rows, no GPU lease seed rows) there are no shares to read. -#}
{%- set money = ai_unit_economics.type_money() -%}
with calls as (

    select * from {{ ref('int_aiue__calls_priced') }}

),

{% if ai_unit_economics.is_using_billing() -%}
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
{%- else -%}
shares as (

    select
        cast(null as {{ dbt.type_string() }}) as call_id,
        {% for column in ['invoice_exact_cost', 'invoice_share_cost', 'infra_share_cost', 'gpu_cost', 'platform_cost'] -%}
        cast(null as {{ money }}) as {{ column }},
        {% endfor -%}
        cast(null as {{ dbt.type_bigint() }}) as billing_buckets
    from calls
    where 1 = 0

),
{%- endif %}

allocated as (

    select
        calls.*,
        case
            when shares.invoice_exact_cost is not null then 'invoice_exact'
            when shares.invoice_share_cost is not null then 'invoice_share'
            when calls.cost_source = 'unpriced' and shares.gpu_cost is not null then 'self_hosted'
            else calls.cost_source
        end as allocated_cost_source,
        cast(
            case
                when shares.invoice_exact_cost is not null or shares.invoice_share_cost is not null
                    then {{ ai_unit_economics.money_sum([
                        'coalesce(shares.invoice_exact_cost, 0)', 'coalesce(shares.invoice_share_cost, 0)']) }}
                else calls.token_cost
            end as {{ money }}
        ) as allocated_token_cost,
        cast(coalesce(shares.infra_share_cost, 0) as {{ money }}) as infra_cost,
        cast(coalesce(shares.gpu_cost, 0) as {{ money }}) as gpu_cost,
        cast(coalesce(shares.platform_cost, 0) as {{ money }}) as platform_cost,
        cast(
            {{ ai_unit_economics.money_sum([
                'coalesce(shares.invoice_exact_cost, 0)', 'coalesce(shares.invoice_share_cost, 0)',
                'coalesce(shares.infra_share_cost, 0)']) }}
            as {{ money }}
        ) as allocated_cost,
        coalesce(shares.billing_buckets, 0) as billing_buckets,
        shares.call_id is not null as is_billed,
        shares.invoice_exact_cost is null and shares.invoice_share_cost is null
            and shares.gpu_cost is null as is_unbilled
    from calls
    left join shares
        on calls.call_id = shares.call_id

),

final as (

    select
        trace_id,
        span_id,
        parent_span_id,
        intent_id,
        conversation_id,
        response_id,
        user_id,
        feature_tag,
        service_name,
        operation_name,
        provider_name,
        telemetry_provider_name,
        price_provider,
        request_model,
        response_model,
        priced_model,
        tool_name,
        status_code,
        error_type,
        prompt_version,
        prompt_name,
        reasoning_level,{{ ai_unit_economics.passthrough_list() }}
        allocated_cost_source as cost_source,
        cost_source as estimated_cost_source,
        '{{ var("aiue_reporting_currency") }}' as currency,
        attempt,
        turn_index,
        reported_inference_calls,
        reported_tool_calls,
        coalesce(input_tokens, 0) as input_tokens,
        coalesce(output_tokens, 0) as output_tokens,
        coalesce(input_tokens, 0) + coalesce(output_tokens, 0) as tokens,
        uncached_input_tokens,
        coalesce(cache_read_input_tokens, 0) as cache_read_input_tokens,
        coalesce(cache_creation_input_tokens, 0) as cache_creation_input_tokens,
        coalesce(reasoning_output_tokens, 0) as reasoning_output_tokens,
        {% for column in ai_unit_economics.modality_token_columns() -%}
        coalesce({{ column }}, 0) as {{ column }},
        {% endfor -%}
        uncached_text_input_tokens,
        {% for usage in ai_unit_economics.modality_usage_types() if usage.side == 'input' -%}
        {{ usage.tokens }},
        {% endfor -%}
        modality_tokens_at_text_rate,
        {% for usage in ai_unit_economics.usage_types() -%}
        {{ usage.cost }},
        {% endfor -%}
        estimated_token_cost,
        reported_cost,
        reported_cost_currency,
        reported_cost_source,
        token_cost as estimated_cost,
        allocated_token_cost as token_cost,
        tool_cost,
        infra_cost,
        gpu_cost,
        platform_cost,
        allocated_cost,
        cast({{ ai_unit_economics.money_sum(['allocated_token_cost', 'tool_cost', 'infra_cost']) }} as {{ money }}) as cost,
        billing_buckets,
        is_inference,
        is_tool,
        has_usage,
        coalesce(attempt, 1) > 1 as is_retry,
        status_code = 'ERROR' as is_error,
        allocated_cost_source = 'unpriced' as is_unpriced,
        is_billed,
        is_unbilled,
        has_negotiated_price,
        is_intent_id_inferred,
        call_date,
        started_at,
        ended_at,
        source_file,
        source_row_number
    from allocated

)

select * from final
