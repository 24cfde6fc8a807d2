{{ config(materialized='table', enabled=ai_unit_economics.is_using_focus()) }}
{#- Every staged FOCUS row with (1) why it is rejected, if it is, (2) whether it is AI cost
    and why, (3) what the SKU map resolves it to, and (4) how its money is allocated:
      request       names a call's request id (Tags or an x_ column): exact;
      not_allocable a SKU map row marks it not allocable (fine-tuning training, storage):
                    stays unallocated with the row's reason;
      token         a model token charge (provider x model x usage type from the SKU map);
      provider      a token charge the map resolves only to a provider, or any other AI
                    usage charge of a provider (the SKU map does not know it): split over
                    that provider's calls of the day;
      gpu           tagged with a model: self-hosted compute, spread over its calls by tokens;
      feature       any other AI charge tagged with a feature: that feature's infra cost;
      unattributed  any other AI charge (a credit, a tax, no provider): stays unallocated.
    Provider names (ProviderName, a provider tag) go through aiue_provider_map, so a
    Microsoft charge meets the azure.ai.openai calls. -#}
{%- set ai_categories = var('aiue_ai_service_categories') -%}

with focus as (

    select * from {{ ref('stg_aiue__focus_costs') }}

),

sku_map as (

    select * from {{ ref('stg_aiue__seed_focus_sku_map') }}
    where pattern is not null and provider is not null

),

{#- A FOCUS provider name has no model: each alias's row without a model pattern, else its
    lowest priority row, names the provider. -#}
provider_aliases as (

    select provider_alias, provider
    from (
        select
            provider_alias,
            provider,
            row_number() over (
                partition by provider_alias
                order by case when model_pattern is null then 0 else 1 end,
                    coalesce(priority, 1000), model_pattern, provider
            ) as alias_rank
        from {{ ref('stg_aiue__seed_provider_map') }}
        where provider_alias is not null and provider_alias != '*' and provider is not null
    ) as ranked_aliases
    where alias_rank = 1

),

checked as (

    select
        *,
        case
            when raw_charge_period_start is null then 'ChargePeriodStart is missing'
            when charge_period_start_at is null
                then {{ dbt.concat(["'ChargePeriodStart is not a timestamp: '", 'raw_charge_period_start']) }}
            when raw_charge_period_end is not null and charge_period_end_at is null
                then {{ dbt.concat(["'ChargePeriodEnd is not a timestamp: '", 'raw_charge_period_end']) }}
            when billing_currency is null then 'BillingCurrency is missing'
            when raw_billed_cost is not null and billed_cost is null
                then {{ dbt.concat(["'BilledCost is not a number: '", 'raw_billed_cost']) }}
            when raw_effective_cost is not null and effective_cost is null
                then {{ dbt.concat(["'EffectiveCost is not a number: '", 'raw_effective_cost']) }}
            when raw_billed_cost is null and raw_effective_cost is null
                then 'BilledCost and EffectiveCost are both missing'
            when raw_pricing_quantity is not null and pricing_quantity is null
                then {{ dbt.concat(["'PricingQuantity is not a number: '", 'raw_pricing_quantity']) }}
            when raw_consumed_quantity is not null and consumed_quantity is null
                then {{ dbt.concat(["'ConsumedQuantity is not a number: '", 'raw_consumed_quantity']) }}
        end as rejection_reason
    from focus

),

sku_matches as (

    select
        checked.focus_cost_id,
        sku_map.provider,
        sku_map.model,
        sku_map.usage_type,
        sku_map.tokens_per_unit,
        sku_map.not_allocable_reason,
        sku_map.focus_provider,
        row_number() over (
            partition by checked.focus_cost_id
            order by sku_map.priority nulls last, sku_map.pattern, sku_map.provider,
                sku_map.model, sku_map.usage_type
        ) as match_rank
    from checked
    inner join sku_map
        on (sku_map.focus_provider = '*' or lower(sku_map.focus_provider) = lower(checked.provider_name))
        and {{ ai_unit_economics.regex_matches_column('checked.sku_text', 'sku_map.pattern') }}
    where checked.rejection_reason is null

),

resolved as (

    select
        checked.*,
        best_match.focus_cost_id is not null as is_sku_resolved,
        case when best_match.provider != '*' then best_match.provider end as sku_provider,
        best_match.not_allocable_reason as sku_not_allocable_reason,
        best_match.focus_provider as sku_focus_provider,
        coalesce(tag_aliases.provider, lower(checked.tag_provider)) as mapped_tag_provider,
        coalesce(focus_aliases.provider, lower(checked.provider_name)) as mapped_provider_name,
        case when best_match.model != '*' then best_match.model end as sku_model,
        case when best_match.usage_type != '*' then best_match.usage_type end as sku_usage_type,
        best_match.tokens_per_unit as sku_tokens_per_unit,
        lower(coalesce(checked.pricing_unit, '')) like '%token%'
            or lower(coalesce(checked.consumed_unit, '')) like '%token%' as is_token_unit
    from checked
    left join sku_matches as best_match
        on checked.focus_cost_id = best_match.focus_cost_id
        and best_match.match_rank = 1
    left join provider_aliases as tag_aliases
        on lower(checked.tag_provider) = tag_aliases.provider_alias
    left join provider_aliases as focus_aliases
        on lower(checked.provider_name) = focus_aliases.provider_alias

),

scoped as (

    select
        *,
        case
            when rejection_reason is not null then null
            when tag_request_id is not null then 'request_id'
            {#- a generic not-allocable row ('*' provider: storage, fine-tuning) only marks rows
                already in scope; it never pulls a cloud's storage into AI cost -#}
            when is_sku_resolved and (sku_not_allocable_reason is null or sku_focus_provider != '*')
                then 'sku_map'
            when tag_model is not null then 'model_tag'
            when tag_feature_tag is not null then 'feature_tag'
            when service_category in {{ ai_unit_economics.sql_string_list(ai_categories) }} then 'service_category'
        end as scope_reason
    from resolved

),

allocated as (

    select
        *,
        scope_reason is not null as is_ai_cost,
        case
            when scope_reason is null then null
            when tag_request_id is not null then 'request'
            when sku_not_allocable_reason is not null then 'not_allocable'
            when sku_model is not null and sku_usage_type is not null then 'token'
            when is_sku_resolved or is_token_unit then 'provider'
            when tag_model is not null then 'gpu'
            when tag_feature_tag is not null then 'feature'
            when charge_category = 'Usage'
                and coalesce(sku_provider, mapped_tag_provider, mapped_provider_name) is not null
                then 'provider'
            else 'unattributed'
        end as allocation_kind,
        coalesce(sku_provider, mapped_tag_provider, mapped_provider_name) as resolved_provider,
        coalesce(effective_cost, billed_cost) as cost_to_allocate,
        effective_cost is null as is_effective_cost_inferred,
        cast(case
            when is_sku_resolved and sku_tokens_per_unit is not null
                then pricing_quantity * sku_tokens_per_unit
            when lower(coalesce(pricing_unit, '')) like '%token%'
                then pricing_quantity * case
                    when {{ ai_unit_economics.regex_matches('lower(pricing_unit)', '^1 ?m|^1,?000,?000([^0-9]|$)') }} then 1000000
                    when {{ ai_unit_economics.regex_matches('lower(pricing_unit)', '^1 ?k|^1,?000([^0-9,]|$)') }} then 1000
                    else 1
                end
            when lower(coalesce(consumed_unit, '')) like '%token%' then consumed_quantity
        end as {{ ai_unit_economics.type_decimal(38, 6) }}) as billed_tokens,
        case
            when lower(coalesce(consumed_unit, '')) like '%hour%' then consumed_quantity
            when lower(coalesce(pricing_unit, '')) like '%hour%' then pricing_quantity
        end as usage_hours
    from scoped

),

{#- Only the columns billing reads (int_aiue__focus_costs_converted, int_aiue__gpu_costs_daily,
    aiue__billing_scope_summary, aiue__rejected_focus_costs); invoice attributes are read from
    stg_aiue__focus_costs by the one mart that shows them. -#}
final as (

    select
        focus_cost_id,
        provider_name,
        billing_currency,
        charge_category,
        charge_description,
        service_category,
        service_name,
        tag_request_id,
        tag_feature_tag,
        tag_model,
        sku_provider,
        sku_model,
        sku_usage_type,
        sku_not_allocable_reason,
        mapped_tag_provider,
        resolved_provider,
        rejection_reason,
        scope_reason,
        allocation_kind,
        billed_cost,
        effective_cost,
        cost_to_allocate,
        billed_tokens,
        usage_hours,
        is_ai_cost,
        charge_date,
        source_file,
        source_row_number,
        raw_billed_cost,
        raw_effective_cost,
        raw_charge_period_start,
        raw_billing_currency
    from allocated

)

select * from final
