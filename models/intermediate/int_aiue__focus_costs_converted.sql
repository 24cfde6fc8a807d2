{{ config(enabled=ai_unit_economics.is_using_focus()) }}
{#- AI cost rows of the invoice in the reporting currency. A row billed in another currency
    takes the latest aiue_fx_rates rate on or before its charge day (at most var
    aiue_fx_max_rate_age_days days old); the rate and its date stay on the row. A row with no
    such rate keeps fx_rejection_reason and no converted amount: aiue__rejected_focus_costs shows it. -#}
{%- set reporting = var('aiue_reporting_currency') -%}

with ai_costs as (

    select * from {{ ref('int_aiue__focus_costs_classified') }}
    where is_ai_cost

),

fx_rates as (

    select currency, rate_date, rate
    from {{ ref('stg_aiue__seed_fx_rates') }}
    where reporting_currency = '{{ reporting }}'
        and currency is not null
        and rate is not null
        and rate_date is not null

),

rate_keys as (

    select distinct billing_currency, charge_date
    from ai_costs
    where billing_currency != '{{ reporting }}'

),

matched_rates as (

    select
        rate_keys.billing_currency,
        rate_keys.charge_date,
        fx_rates.rate,
        fx_rates.rate_date,
        row_number() over (
            partition by rate_keys.billing_currency, rate_keys.charge_date
            order by fx_rates.rate_date desc
        ) as rate_rank
    from rate_keys
    inner join fx_rates
        on fx_rates.currency = rate_keys.billing_currency
        and fx_rates.rate_date <= rate_keys.charge_date
        and fx_rates.rate_date >= {{ ai_unit_economics.add_days('rate_keys.charge_date', -1 * var('aiue_fx_max_rate_age_days')) }}

),

with_rates as (

    select
        ai_costs.*,
        case
            when ai_costs.billing_currency = '{{ reporting }}' then cast(1 as {{ ai_unit_economics.type_decimal(38, 15) }})
            else matched_rates.rate
        end as fx_rate,
        case
            when ai_costs.billing_currency = '{{ reporting }}' then ai_costs.charge_date
            else matched_rates.rate_date
        end as fx_rate_date
    from ai_costs
    left join matched_rates
        on ai_costs.billing_currency = matched_rates.billing_currency
        and ai_costs.charge_date = matched_rates.charge_date
        and matched_rates.rate_rank = 1

),

converted as (

    select
        *,
        case
            when fx_rate is null
                then {{ dbt.concat([
                    "'no FX rate from '", 'billing_currency', "' to " ~ reporting ~ " in aiue_fx_rates on or up to "
                    ~ var('aiue_fx_max_rate_age_days') ~ " days before '", 'cast(charge_date as ' ~ dbt.type_string() ~ ')']) }}
        end as fx_rejection_reason,
        case
            when billing_currency = '{{ reporting }}' then cost_to_allocate
            else {{ ai_unit_economics.convert_money('cost_to_allocate', 'fx_rate') }}
        end as amount,
        case
            when billing_currency = '{{ reporting }}' then billed_cost
            else {{ ai_unit_economics.convert_money('billed_cost', 'fx_rate') }}
        end as cash_amount,
        '{{ reporting }}' as currency
    from with_rates

),

{#- Only the columns billing reads (int_aiue__billing_lines_keyed, aiue__billing_scope_summary,
    aiue__rejected_focus_costs, the billing conservation test). -#}
final as (

    select
        focus_cost_id,
        provider_name,
        billing_currency,
        currency,
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
        allocation_kind,
        fx_rejection_reason,
        billed_cost,
        effective_cost,
        cost_to_allocate,
        fx_rate,
        amount,
        cash_amount,
        billed_tokens,
        usage_hours,
        charge_date,
        fx_rate_date,
        source_file,
        source_row_number,
        raw_billed_cost,
        raw_effective_cost,
        raw_charge_period_start,
        raw_billing_currency
    from converted

)

select * from final
