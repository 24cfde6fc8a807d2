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
{%- set priced = ref('int_aiue__calls_priced') -%}

with calls as (

    select * from {{ priced }}

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
        {{ ai_unit_economics.star_except(priced, ['cost_source', 'token_cost'], 'calls') }},
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
