{{ config(enabled=ai_unit_economics.is_using_focus()) }}
{#- Every FOCUS row counted once, by provider, billing currency, charge category and scope:
    ai_cost (in AI unit economics; scope_reason says why), not_ai (the rest of the cloud bill,
    left out on purpose) or rejected. Amounts in the billing currency as the export gives
    them; ai_cost rows also in the reporting currency. rows sums to the staged row count. -#}
with classified as (

    select * from {{ ref('int_aiue__focus_costs_classified') }}

),

converted as (

    select focus_cost_id, fx_rejection_reason, amount
    from {{ ref('int_aiue__focus_costs_converted') }}

),

scoped as (

    select
        classified.provider_name,
        classified.billing_currency,
        classified.charge_category,
        case
            when classified.rejection_reason is not null then 'rejected'
            when converted.fx_rejection_reason is not null then 'rejected'
            when classified.is_ai_cost then 'ai_cost'
            else 'not_ai'
        end as scope_status,
        case
            when classified.rejection_reason is not null then 'invalid'
            when converted.fx_rejection_reason is not null then 'missing_fx_rate'
            when classified.is_ai_cost then classified.scope_reason
            else 'no AI signal'
        end as scope_reason,
        classified.allocation_kind,
        classified.billed_cost,
        classified.effective_cost,
        case when converted.fx_rejection_reason is null then converted.amount end as reporting_amount
    from classified
    left join converted
        on classified.focus_cost_id = converted.focus_cost_id

),

final as (

    select
        {{ dbt.concat([
            "coalesce(provider_name, '')", "'|'", "coalesce(billing_currency, '')",
            "'|'", "coalesce(charge_category, '')", "'|'", 'scope_status',
            "'|'", 'scope_reason', "'|'", "coalesce(allocation_kind, '')"]) }} as billing_scope_summary_id,
        provider_name,
        billing_currency,
        charge_category,
        scope_status,
        scope_reason,
        allocation_kind,
        '{{ var("aiue_reporting_currency") }}' as currency,
        count(*) as focus_rows,
        cast(sum(billed_cost) as {{ ai_unit_economics.type_money() }}) as billed_cost,
        cast(sum(effective_cost) as {{ ai_unit_economics.type_money() }}) as effective_cost,
        cast(sum(reporting_amount) as {{ ai_unit_economics.type_money() }}) as ai_cost
    from scoped
    group by provider_name, billing_currency, charge_category, scope_status, scope_reason, allocation_kind

)

select * from final
