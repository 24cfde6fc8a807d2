{#- The invoice against the telemetry, one row per allocation bucket (see
    int_aiue__billing_buckets_aggregated for the keys), plus one 'unbilled' row per day,
    provider, model and usage type of calls that no invoice row covers (they keep their
    estimate). Per bucket: allocated_cost + unallocated_cost = billed_cost, exactly. Without
    billing input there are no buckets: every call is unbilled. -#}
with
{% if ai_unit_economics.is_using_billing() -%}
buckets as (

    select * from {{ ref('int_aiue__billing_buckets_aggregated') }}

),

shares as (

    select
        bucket_id,
        count(*) as calls,
        sum(tokens) as call_tokens,
        sum(allocated_cost) as allocated_cost,
        sum(estimated_cost) as estimated_cost,
        min(weight_basis) as weight_basis
    from {{ ref('int_aiue__billing_shares_allocated') }}
    group by bucket_id

),

billed as (

    select
        buckets.bucket_id,
        buckets.bucket_kind,
        buckets.billing_source,
        buckets.provider_name,
        buckets.response_model,
        buckets.usage_type,
        buckets.feature_tag,
        buckets.request_id,
        buckets.currency,
        case
            when buckets.bucket_kind in ('unattributed', 'not_allocable') then buckets.bucket_kind
            when shares.bucket_id is not null then 'allocated'
            when buckets.billed_cost < 0 then 'net_credit'
            else 'no_calls'
        end as reconciliation_status,
        case
            when buckets.bucket_kind = 'not_allocable' then buckets.not_allocable_reason
            when buckets.bucket_kind = 'unattributed'
                then 'an AI charge that is not a usage charge of a provider (a credit, tax or adjustment) and names no request, model or feature'
            when shares.bucket_id is not null then null
            when buckets.billed_cost < 0
                then 'credits exceed charges: a net credit is not spread over calls as negative cost'
            else 'no call of this bucket on its day'
        end as unallocated_reason,
        shares.weight_basis,
        buckets.billing_lines,
        coalesce(shares.calls, 0) as calls,
        shares.call_tokens,
        buckets.billed_tokens,
        buckets.billed_cost,
        buckets.billed_cash_cost,
        cast(coalesce(shares.allocated_cost, 0) as {{ ai_unit_economics.type_money() }}) as allocated_cost,
        cast({{ ai_unit_economics.money_difference('buckets.billed_cost', 'coalesce(shares.allocated_cost, 0)') }}
            as {{ ai_unit_economics.type_money() }})
            as unallocated_cost,
        shares.estimated_cost,
        false as is_unbilled,
        buckets.date_day
    from buckets
    left join shares
        on buckets.bucket_id = shares.bucket_id

),

{#- Calls no invoice line covers, per day, provider and model, in one pass over the call
    mart; then one row per usage type they have tokens of. -#}
{% endif -%}

unbilled_calls as (

    select
        call_date,
        provider_name,
        coalesce(response_model, request_model) as response_model,
        {% for usage in ai_unit_economics.usage_types() -%}
        sum(case when {{ usage.tokens }} > 0 then 1 else 0 end) as {{ usage.usage_type }}_calls,
        sum(case when {{ usage.tokens }} > 0 then {{ usage.tokens }} end) as {{ usage.usage_type }}_tokens,
        sum(case when {{ usage.tokens }} > 0 then {{ usage.cost }} end) as {{ usage.usage_type }}_cost{{ "," if not loop.last }}
        {% endfor %}
    from {{ ref('aiue__llm_calls') }}
    where is_unbilled and is_inference
    group by call_date, provider_name, coalesce(response_model, request_model)

),

unbilled_parts as (

    {% for usage in ai_unit_economics.usage_types() -%}
    select
        call_date,
        provider_name,
        response_model,
        '{{ usage.usage_type }}' as usage_type,
        {{ usage.usage_type }}_calls as calls,
        {{ usage.usage_type }}_tokens as tokens,
        {{ usage.usage_type }}_cost as estimated_cost
    from unbilled_calls
    where {{ usage.usage_type }}_calls > 0
    {{ "union all" if not loop.last }}
    {% endfor %}

),

unbilled as (

    select
        {{ dbt.concat([
            "'unbilled|'", 'cast(call_date as ' ~ dbt.type_string() ~ ')', "'|'", "coalesce(provider_name, '')",
            "'|'", "coalesce(response_model, '')", "'|'", 'usage_type']) }} as bucket_id,
        'unbilled' as bucket_kind,
        cast(null as {{ dbt.type_string() }}) as billing_source,
        provider_name,
        response_model,
        usage_type,
        cast(null as {{ dbt.type_string() }}) as feature_tag,
        cast(null as {{ dbt.type_string() }}) as request_id,
        '{{ var("aiue_reporting_currency") }}' as currency,
        'unbilled' as reconciliation_status,
        cast(null as {{ dbt.type_string() }}) as unallocated_reason,
        cast(null as {{ dbt.type_string() }}) as weight_basis,
        0 as billing_lines,
        sum(calls) as calls,
        sum(tokens) as call_tokens,
        cast(null as {{ ai_unit_economics.type_decimal(38, 6) }}) as billed_tokens,
        cast(0 as {{ ai_unit_economics.type_money() }}) as billed_cost,
        cast(0 as {{ ai_unit_economics.type_money() }}) as billed_cash_cost,
        cast(0 as {{ ai_unit_economics.type_money() }}) as allocated_cost,
        cast(0 as {{ ai_unit_economics.type_money() }}) as unallocated_cost,
        sum(estimated_cost) as estimated_cost,
        true as is_unbilled,
        call_date as date_day
    from unbilled_parts
    group by call_date, provider_name, response_model, usage_type

),

combined as (

    {% if ai_unit_economics.is_using_billing() -%}
    select * from billed
    union all
    {% endif -%}
    select * from unbilled

),

final as (

    select
        bucket_id,
        bucket_kind,
        billing_source,
        provider_name,
        response_model,
        usage_type,
        feature_tag,
        request_id,
        currency,
        reconciliation_status,
        unallocated_reason,
        weight_basis,
        billing_lines,
        calls,
        call_tokens,
        billed_tokens,
        billed_cost,
        billed_cash_cost,
        allocated_cost,
        unallocated_cost,
        estimated_cost,
        cast({{ ai_unit_economics.money_difference('billed_cost', 'estimated_cost') }} as {{ ai_unit_economics.type_money() }})
            as variance_cost,
        {{ ai_unit_economics.ratio(ai_unit_economics.money_difference('billed_cost', 'estimated_cost'), 'estimated_cost') }} * 100
            as variance_pct,
        is_unbilled,
        date_day
    from combined

)

select * from final
