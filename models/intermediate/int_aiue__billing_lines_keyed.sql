{{ config(enabled=ai_unit_economics.is_using_billing()) }}
{#- Every line of billed AI money in the reporting currency, with the allocation bucket it
    belongs to: the AI cost rows of the invoice that converted (FX rate and rate date kept),
    plus the GPU seed's daily lease lines. Bucket keys:
      request|<request id>                          exact, one call
      token|<day>|<provider>|<model>|<usage type>   split by the calls' estimated cost
      provider|<day>|<provider>                     split by the calls' estimated cost
      gpu|<day>|<provider or *>|<model>             split by the model's calls' tokens
      feature|<day>|<feature>                       split evenly over the feature's calls
      not_allocable|<day>|<provider>|<reason>       never split: the SKU map says why
      unattributed|<day>|<provider>                 never split: stays unallocated -#}
with
{% if ai_unit_economics.is_using_focus() -%}
converted as (

    select * from {{ ref('int_aiue__focus_costs_converted') }}
    where fx_rejection_reason is null

),

focus_lines as (

    select
        focus_cost_id as billing_line_id,
        'focus' as billing_source,
        allocation_kind as bucket_kind,
        charge_date as date_day,
        case allocation_kind
            when 'token' then sku_provider
            when 'gpu' then coalesce(mapped_tag_provider, '*')
            when 'feature' then cast(null as {{ dbt.type_string() }})
            else resolved_provider
        end as provider_name,
        case allocation_kind
            when 'token' then sku_model
            when 'gpu' then tag_model
        end as response_model,
        case when allocation_kind = 'token' then sku_usage_type end as usage_type,
        case when allocation_kind = 'feature' then tag_feature_tag end as feature_tag,
        case when allocation_kind = 'request' then tag_request_id end as request_id,
        case when allocation_kind = 'not_allocable' then sku_not_allocable_reason end
            as not_allocable_reason,
        provider_name as focus_provider_name,
        charge_category,
        charge_description,
        billing_currency,
        cost_to_allocate as billing_currency_amount,
        fx_rate,
        fx_rate_date,
        amount,
        cash_amount,
        billed_tokens,
        case when allocation_kind = 'gpu' then usage_hours end as gpu_hours,
        cast(null as {{ ai_unit_economics.type_money() }}) as capacity_tokens,
        source_file,
        source_row_number
    from converted

),

{% endif -%}

gpu_seed as (

    select * from {{ ref('int_aiue__gpu_costs_daily') }}

),

gpu_lines as (

    select
        gpu_cost_line_id as billing_line_id,
        'gpu_rate_seed' as billing_source,
        'gpu' as bucket_kind,
        date_day,
        provider_name,
        response_model,
        cast(null as {{ dbt.type_string() }}) as usage_type,
        cast(null as {{ dbt.type_string() }}) as feature_tag,
        cast(null as {{ dbt.type_string() }}) as request_id,
        cast(null as {{ dbt.type_string() }}) as not_allocable_reason,
        cast(null as {{ dbt.type_string() }}) as focus_provider_name,
        'Usage' as charge_category,
        {{ dbt.concat(["'GPU lease: '", "coalesce(gpu_type, 'GPU')", "' x '", 'cast(gpu_count as ' ~ dbt.type_string() ~ ')']) }}
            as charge_description,
        currency as billing_currency,
        amount as billing_currency_amount,
        cast(1 as {{ ai_unit_economics.type_decimal(38, 15) }}) as fx_rate,
        date_day as fx_rate_date,
        amount,
        amount as cash_amount,
        cast(null as {{ ai_unit_economics.type_decimal(38, 6) }}) as billed_tokens,
        gpu_hours,
        cast(gpu_hours * tokens_per_gpu_hour as {{ ai_unit_economics.type_money() }}) as capacity_tokens,
        cast(null as {{ dbt.type_string() }}) as source_file,
        cast(null as {{ dbt.type_bigint() }}) as source_row_number
    from gpu_seed

),

lines as (

    {% if ai_unit_economics.is_using_focus() -%}
    select * from focus_lines
    union all
    {% endif -%}
    select * from gpu_lines

),

final as (

    select
        case bucket_kind
            when 'request' then {{ dbt.concat(["'request|'", 'request_id']) }}
            when 'token' then {{ dbt.concat([
                "'token|'", 'cast(date_day as ' ~ dbt.type_string() ~ ')', "'|'", 'provider_name',
                "'|'", 'response_model', "'|'", 'usage_type']) }}
            when 'provider' then {{ dbt.concat([
                "'provider|'", 'cast(date_day as ' ~ dbt.type_string() ~ ')', "'|'", "coalesce(provider_name, '')"]) }}
            when 'gpu' then {{ dbt.concat([
                "'gpu|'", 'cast(date_day as ' ~ dbt.type_string() ~ ')', "'|'", 'provider_name',
                "'|'", 'response_model']) }}
            when 'feature' then {{ dbt.concat([
                "'feature|'", 'cast(date_day as ' ~ dbt.type_string() ~ ')', "'|'", 'feature_tag']) }}
            when 'not_allocable' then {{ dbt.concat([
                "'not_allocable|'", 'cast(date_day as ' ~ dbt.type_string() ~ ')', "'|'",
                "coalesce(provider_name, '')", "'|'", 'not_allocable_reason']) }}
            else {{ dbt.concat([
                "'unattributed|'", 'cast(date_day as ' ~ dbt.type_string() ~ ')', "'|'", "coalesce(provider_name, '')"]) }}
        end as bucket_id,
        *
    from lines

)

select * from final
