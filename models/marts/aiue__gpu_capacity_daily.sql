{{ config(enabled=ai_unit_economics.is_using_billing()) }}
{#- Self-hosted GPU cost per day and model (aiue_gpu_rates leases, or FOCUS compute rows
    tagged with the model), what the model's calls used of it, and the idle rest. Capacity
    needs tokens_per_gpu_hour in the seed; without it utilization is known only on days with
    no calls (0). Idle cost is reported, not hidden: it is in the calls' infra_cost on days
    with calls, and unallocated on days without. -#}
with gpu_buckets as (

    select * from {{ ref('int_aiue__billing_buckets_aggregated') }}
    where bucket_kind = 'gpu'

),

usage as (

    select
        bucket_id,
        count(*) as calls,
        sum(tokens) as tokens,
        sum(allocated_cost) as allocated_cost
    from {{ ref('int_aiue__billing_shares_allocated') }}
    where bucket_kind = 'gpu'
    group by bucket_id

),

measured as (

    select
        gpu_buckets.bucket_id as gpu_capacity_daily_id,
        gpu_buckets.provider_name,
        gpu_buckets.response_model,
        gpu_buckets.billing_source,
        gpu_buckets.currency,
        coalesce(usage.calls, 0) as calls,
        coalesce(usage.tokens, 0) as tokens,
        gpu_buckets.gpu_hours,
        gpu_buckets.capacity_tokens,
        gpu_buckets.billed_cost as gpu_cost,
        cast(coalesce(usage.allocated_cost, 0) as {{ ai_unit_economics.type_money() }}) as allocated_cost,
        cast({{ ai_unit_economics.money_difference('gpu_buckets.billed_cost', 'coalesce(usage.allocated_cost, 0)') }}
            as {{ ai_unit_economics.type_money() }})
            as unallocated_cost,
        case
            when coalesce(usage.tokens, 0) = 0 then cast(0 as {{ ai_unit_economics.type_double() }})
            when gpu_buckets.capacity_tokens > 0
                then least({{ ai_unit_economics.ratio('usage.tokens', 'gpu_buckets.capacity_tokens') }}, 1)
        end as utilization,
        gpu_buckets.date_day
    from gpu_buckets
    left join usage
        on gpu_buckets.bucket_id = usage.bucket_id

),

final as (

    select
        gpu_capacity_daily_id,
        provider_name,
        response_model,
        billing_source,
        currency,
        calls,
        tokens,
        gpu_hours,
        capacity_tokens,
        gpu_cost,
        allocated_cost,
        unallocated_cost,
        utilization,
        cast(gpu_hours * (1 - utilization) as {{ ai_unit_economics.type_double() }}) as idle_gpu_hours,
        cast(gpu_cost * (1 - utilization) as {{ ai_unit_economics.type_money() }}) as idle_cost,
        calls = 0 as is_idle_day,
        date_day
    from measured

)

select * from final
