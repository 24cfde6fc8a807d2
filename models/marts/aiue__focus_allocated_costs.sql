{{ config(enabled=ai_unit_economics.is_using_billing()) }}
{#- The allocated AI cost in the shape of FOCUS Cost and Usage rows (`aiue export-focus` writes
    them with FOCUS 1.2 column names): one row per charge day x billing provider x the calls'
    provider and model x feature x the invoice attributes the money came from. Each row sums the
    calls' shares of their billing buckets (int_aiue__billing_shares_allocated), so effective_cost
    adds up to the allocated total exactly. Invoice attributes (account, billing period, issuer,
    publisher, service) are each bucket's lines' (min when its lines differ); GPU leases from the
    aiue_gpu_rates seed have none. billed_cost is each share's part of the buckets' BilledCost
    (cash), in proportion. Intents and cost per success are the feature's on that day. The
    pass-through dimensions (var aiue_span_passthrough_columns) split the rows further, by the
    calls' values. -#}
{%- set money = ai_unit_economics.type_money() -%}
with shares as (

    select
        bucket_id,
        call_id,
        bucket_kind,
        estimated_cost,
        allocated_cost
    from {{ ref('int_aiue__billing_shares_allocated') }}

),

buckets as (

    select
        bucket_id,
        provider_name as billing_provider,
        billed_cost,
        billed_cash_cost,
        date_day
    from {{ ref('int_aiue__billing_buckets_aggregated') }}

),

lines as (

    select
        bucket_id,
        billing_line_id,
        billing_source
    from {{ ref('int_aiue__billing_lines_keyed') }}

),

{%- set attributes = ['provider_name', 'publisher_name', 'invoice_issuer_name',
    'billing_account_id', 'billing_account_name', 'sub_account_id', 'sub_account_name',
    'invoice_id', 'service_name', 'billing_period_start_at', 'billing_period_end_at'] %}
{% if ai_unit_economics.is_using_focus() -%}
invoice_rows as (

    select
        focus_cost_id,
        {% for attribute in attributes -%}
        {{ attribute }}{{ "," if not loop.last }}
        {% endfor %}
    from {{ ref('stg_aiue__focus_costs') }}

),
{% endif %}

{#- GPU leases from the seed have no invoice attributes: without FOCUS input they are all null. -#}
bucket_invoice as (

    select
        lines.bucket_id,
        min(lines.billing_source) as billing_source,
        {% for attribute in attributes -%}
        {%- set name = 'invoice_provider_name' if attribute == 'provider_name' else attribute -%}
        {%- if ai_unit_economics.is_using_focus() -%}
        {{ 'max' if attribute == 'billing_period_end_at' else 'min' }}(invoice_rows.{{ attribute }})
        {%- else -%}
        cast(null as {{ dbt.type_timestamp() if attribute.endswith('_at') else dbt.type_string() }})
        {%- endif %} as {{ name }}{{ "," if not loop.last }}
        {% endfor %}
    from lines
    {% if ai_unit_economics.is_using_focus() -%}
    left join invoice_rows
        on lines.billing_line_id = invoice_rows.focus_cost_id
    {% endif -%}
    group by lines.bucket_id

),

calls as (

    select
        {{ dbt.concat(['trace_id', "'-'", 'span_id']) }} as call_id,
        intent_id,
        provider_name,
        coalesce(response_model, request_model) as model_name,
        feature_tag,{{ ai_unit_economics.passthrough_list(dimensions_only=true) }}
        tokens
    from {{ ref('aiue__llm_calls') }}

),

feature_days as (

    select
        date_day,
        feature_tag,
        sum(intents) as intents,
        sum(labeled_total_cost) as labeled_total_cost,
        sum(successful_intents) as successful_intents
    from {{ ref('aiue__unit_economics_daily') }}
    group by date_day, feature_tag

),

attributed as (

    select
        buckets.date_day,
        buckets.billing_provider,
        calls.provider_name,
        calls.model_name,
        calls.feature_tag,{{ ai_unit_economics.passthrough_list('calls.', dimensions_only=true) }}
        shares.bucket_kind,
        bucket_invoice.billing_source,
        bucket_invoice.invoice_provider_name,
        bucket_invoice.publisher_name,
        bucket_invoice.invoice_issuer_name,
        bucket_invoice.billing_account_id,
        bucket_invoice.billing_account_name,
        bucket_invoice.sub_account_id,
        bucket_invoice.sub_account_name,
        bucket_invoice.invoice_id,
        bucket_invoice.service_name,
        bucket_invoice.billing_period_start_at,
        bucket_invoice.billing_period_end_at,
        shares.call_id,
        calls.intent_id,
        calls.tokens,
        shares.allocated_cost,
        coalesce(shares.estimated_cost, shares.allocated_cost) as list_cost,
        cast(shares.allocated_cost
            * coalesce({{ ai_unit_economics.ratio('buckets.billed_cash_cost', 'buckets.billed_cost') }}, 1)
            as {{ money }}) as billed_share
    from shares
    inner join buckets
        on shares.bucket_id = buckets.bucket_id
    inner join bucket_invoice
        on shares.bucket_id = bucket_invoice.bucket_id
    inner join calls
        on shares.call_id = calls.call_id

),

grouped as (

    select
        date_day,
        billing_provider,
        provider_name,
        model_name,
        feature_tag,{{ ai_unit_economics.passthrough_list(dimensions_only=true) }}
        billing_source,
        invoice_provider_name,
        publisher_name,
        invoice_issuer_name,
        billing_account_id,
        billing_account_name,
        sub_account_id,
        sub_account_name,
        invoice_id,
        service_name,
        billing_period_start_at,
        billing_period_end_at,
        count(distinct call_id) as calls,
        count(distinct intent_id) as call_intents,
        sum(tokens) as tokens,
        cast(sum(allocated_cost) as {{ money }}) as effective_cost,
        cast(sum(billed_share) as {{ money }}) as billed_cost,
        cast(sum(list_cost) as {{ money }}) as list_cost
    from attributed
    group by
        date_day,
        billing_provider,
        provider_name,
        model_name,
        feature_tag,{{ ai_unit_economics.passthrough_list(dimensions_only=true) }}
        billing_source,
        invoice_provider_name,
        publisher_name,
        invoice_issuer_name,
        billing_account_id,
        billing_account_name,
        sub_account_id,
        sub_account_name,
        invoice_id,
        service_name,
        billing_period_start_at,
        billing_period_end_at

),

final as (

    select
        {{ dbt.concat([
            'cast(grouped.date_day as ' ~ dbt.type_string() ~ ')',
            "'|'", "coalesce(grouped.billing_provider, '')", "'|'", "coalesce(grouped.provider_name, '')",
            "'|'", "coalesce(grouped.model_name, '')", "'|'", "coalesce(grouped.feature_tag, '')",
            "'|'", "coalesce(grouped.billing_account_id, '')", "'|'", "coalesce(grouped.sub_account_id, '')",
            "'|'", "coalesce(grouped.invoice_id, '')", "'|'", "coalesce(grouped.service_name, '')",
            "'|'", "coalesce(grouped.invoice_provider_name, '')", "'|'", "coalesce(grouped.billing_source, '')"]
            + ai_unit_economics.passthrough_key_parts()) }}
            as focus_allocated_cost_id,
        grouped.billing_provider,
        grouped.provider_name,
        grouped.model_name,
        grouped.feature_tag,{{ ai_unit_economics.passthrough_list('grouped.', dimensions_only=true) }}
        grouped.billing_source,
        grouped.invoice_provider_name,
        grouped.publisher_name,
        grouped.invoice_issuer_name,
        grouped.billing_account_id,
        grouped.billing_account_name,
        grouped.sub_account_id,
        grouped.sub_account_name,
        grouped.invoice_id,
        grouped.service_name,
        '{{ var("aiue_reporting_currency") }}' as currency,
        grouped.calls,
        grouped.call_intents,
        grouped.tokens,
        feature_days.intents as feature_day_intents,
        grouped.effective_cost,
        grouped.billed_cost,
        grouped.list_cost,
        {{ ai_unit_economics.metric_sql('cost_per_success', 'feature_days.') }}
            as feature_day_cost_per_success,
        grouped.date_day,
        grouped.billing_period_start_at,
        grouped.billing_period_end_at
    from grouped
    left join feature_days
        on grouped.date_day = feature_days.date_day
        and grouped.feature_tag = feature_days.feature_tag

)

select * from final
