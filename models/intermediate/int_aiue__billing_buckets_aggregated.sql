{{ config(materialized='table', enabled=ai_unit_economics.is_using_billing()) }}
{#- Billed money per allocation bucket (DESIGN.md §5; keys in int_aiue__billing_lines_keyed),
    in the reporting currency. billed_cost sums EffectiveCost (amortised, the unit-economics
    numerator); billed_cash_cost sums BilledCost (cash). -#}
with lines as (

    select * from {{ ref('int_aiue__billing_lines_keyed') }}

),

final as (

    select
        bucket_id,
        min(bucket_kind) as bucket_kind,
        case when min(billing_source) = max(billing_source) then min(billing_source) else 'mixed' end
            as billing_source,
        min(provider_name) as provider_name,
        min(response_model) as response_model,
        min(usage_type) as usage_type,
        min(feature_tag) as feature_tag,
        min(request_id) as request_id,
        min(not_allocable_reason) as not_allocable_reason,
        '{{ var("aiue_reporting_currency") }}' as currency,
        count(*) as billing_lines,
        cast(sum(amount) as {{ ai_unit_economics.type_money() }}) as billed_cost,
        cast(sum(cash_amount) as {{ ai_unit_economics.type_money() }}) as billed_cash_cost,
        sum(billed_tokens) as billed_tokens,
        sum(gpu_hours) as gpu_hours,
        sum(capacity_tokens) as capacity_tokens,
        min(date_day) as date_day
    from lines
    group by bucket_id

)

select * from final
