{{ config(enabled=ai_unit_economics.is_using_billing()) }}
{#- One row per line of billed AI money: each AI cost row of the FOCUS export that converted
    to the reporting currency (its FX rate and rate date kept), and each day of a GPU lease
    from aiue_gpu_rates. bucket_id links it to aiue__cost_reconciliation. -#}
with lines as (

    select * from {{ ref('int_aiue__billing_lines_keyed') }}

),

final as (

    select
        billing_line_id,
        bucket_id,
        bucket_kind,
        billing_source,
        provider_name,
        response_model,
        usage_type,
        feature_tag,
        request_id,
        focus_provider_name,
        charge_category,
        charge_description,
        billing_currency,
        '{{ var("aiue_reporting_currency") }}' as currency,
        billing_currency_amount,
        fx_rate,
        amount as billed_cost,
        cash_amount as billed_cash_cost,
        billed_tokens,
        gpu_hours,
        date_day,
        fx_rate_date,
        source_file,
        source_row_number
    from lines

)

select * from final
