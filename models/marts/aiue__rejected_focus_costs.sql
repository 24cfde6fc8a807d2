{{ config(enabled=ai_unit_economics.is_using_focus()) }}
{#- FOCUS rows that are not in the billing: bad values (rejection_kind 'invalid') and AI cost
    rows in a currency with no FX rate ('missing_fx_rate'). Each names its reason; the money
    stays visible in the billing currency. -#}
{%- set row_columns = [
    'provider_name', 'billing_currency', 'charge_category', 'service_category', 'service_name',
    'charge_description', 'billed_cost', 'effective_cost', 'raw_billed_cost',
    'raw_effective_cost', 'raw_charge_period_start', 'raw_billing_currency', 'charge_date',
    'source_file', 'source_row_number',
] -%}

with classified as (

    select * from {{ ref('int_aiue__focus_costs_classified') }}

),

converted as (

    select * from {{ ref('int_aiue__focus_costs_converted') }}

),

invalid as (

    select
        focus_cost_id,
        'invalid' as rejection_kind,
        rejection_reason,
        {%- for column in row_columns %}
        {{ column }}{{ ',' if not loop.last }}
        {%- endfor %}
    from classified
    where rejection_reason is not null

),

missing_rates as (

    select
        focus_cost_id,
        'missing_fx_rate' as rejection_kind,
        fx_rejection_reason as rejection_reason,
        {%- for column in row_columns %}
        {{ column }}{{ ',' if not loop.last }}
        {%- endfor %}
    from converted
    where fx_rejection_reason is not null

),

final as (

    select * from invalid
    union all
    select * from missing_rates

)

select * from final
