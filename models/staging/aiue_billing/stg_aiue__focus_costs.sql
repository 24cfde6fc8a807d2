{#- One row per FOCUS Cost and Usage row (FOCUS 1.0-1.3), every row kept: text cleaned
    ('' and literal NULL become null), numbers, timestamps and spellings parsed the same way
    on every engine, tag values read from Tags. raw_* keep what was given so a rejection can
    name the bad value. Without a focus_costs table the model is empty. -#}
{#- A table, not a view like the other staging models: it is read by the classified charges,
    the allocated-costs mart and three data tests, and on Spark each read of the view
    re-generated code for the ~50-column cleaning and hash; a group by (source_file,
    row_hash) over the view ran out of a 2 GB driver's heap on an empty table. -#}
{{ config(materialized='table', enabled=ai_unit_economics.is_using_focus()) }}
{%- set relation = ai_unit_economics.focus_relation() -%}
{%- set columns = ai_unit_economics.source_columns_by_lower_name(relation) -%}
{#- The FOCUS columns and their staged names: macros/focus_columns.sql, declared once. -#}
{%- set focus_columns = ai_unit_economics.focus_columns() -%}
{%- set amounts = [] -%}
{%- set timestamps = [] -%}
{%- for lower_name, (name, kind) in focus_columns.items() -%}
  {%- if kind == 'amount' -%}{%- do amounts.append(name) -%}{%- endif -%}
  {%- if kind == 'timestamp' -%}{%- do timestamps.append(name) -%}{%- endif -%}
{%- endfor -%}
{%- set passthrough = [] -%}
{%- for lower_name in columns.keys() | sort if lower_name.startswith('x_') and lower_name not in focus_columns -%}
  {%- do passthrough.append(lower_name) -%}
{%- endfor -%}
{%- set hash_parts = [] -%}
{%- for name, kind in focus_columns.values() -%}
  {%- do hash_parts.extend(["coalesce(raw_" ~ name ~ ", '')", "'|'"]) -%}
{%- endfor -%}
{%- set tag_keys = {
    'request_id': var('aiue_focus_request_id_keys'),
    'feature_tag': var('aiue_focus_feature_keys'),
    'model': var('aiue_focus_model_keys'),
    'provider': var('aiue_focus_provider_keys')} -%}

with source as (

    {% if relation is not none -%}
    select * from {{ relation }}
    {%- else -%}
    select 1 as no_billing_input from (select 1 as one) as no_rows where 1 = 0
    {%- endif %}

),

cleaned as (

    select
        {% for lower_name, (name, kind) in focus_columns.items() -%}
        {{ ai_unit_economics.source_text_or_null(lower_name, columns) }} as raw_{{ name }},
        {% endfor -%}
        {{ ai_unit_economics.source_text_or_null('_aiue_source_file', columns) }} as source_file,
        {% for lower_name in passthrough -%}
        {{ ai_unit_economics.source_text_or_null(lower_name, columns) }} as {{ ai_unit_economics.quote_identifier(lower_name) }},
        {% endfor -%}
        {% if '_aiue_source_row' in columns -%}
        cast({{ ai_unit_economics.quote_identifier(columns['_aiue_source_row']) }} as {{ dbt.type_bigint() }}) as source_row_number
        {%- else -%}
        cast(null as {{ dbt.type_bigint() }}) as source_row_number
        {%- endif %}
    from source

),

tagged as (

    select
        *,
        {% for name, keys in tag_keys.items() -%}
        coalesce(
            {%- for key in keys %}
            {% if key | lower in columns -%}
            {{ ai_unit_economics.source_text_or_null(key | lower, columns) }},
            {% endif -%}
            {{ ai_unit_economics.clean_text(ai_unit_economics.json_text_value('raw_tags', key)) }}{{ "," if not loop.last }}
            {%- endfor %}
        ) as tag_{{ name }},
        {% endfor -%}
        {{ dbt.hash(dbt.concat(hash_parts)) }} as row_hash
    from cleaned

),

parsed as (

    select
        row_hash,
        raw_source_id as source_id,
        raw_billing_account_id as billing_account_id,
        raw_sub_account_id as sub_account_id,
        raw_invoice_id as invoice_id,
        raw_resource_id as resource_id,
        raw_sku_id as sku_id,
        raw_sku_price_id as sku_price_id,
        raw_commitment_discount_id as commitment_discount_id,
        coalesce(raw_service_provider_name, raw_provider_name) as provider_name,
        raw_service_provider_name as service_provider_name,
        raw_host_provider_name as host_provider_name,
        raw_publisher_name as publisher_name,
        raw_invoice_issuer_name as invoice_issuer_name,
        raw_billing_account_name as billing_account_name,
        raw_sub_account_name as sub_account_name,
        upper(raw_billing_currency) as billing_currency,
        upper(raw_pricing_currency) as pricing_currency,
        case lower(raw_charge_category)
            when 'usage' then 'Usage'
            when 'purchase' then 'Purchase'
            when 'tax' then 'Tax'
            when 'credit' then 'Credit'
            when 'adjustment' then 'Adjustment'
            else raw_charge_category
        end as charge_category,
        case when lower(raw_charge_class) = 'correction' then 'Correction' else raw_charge_class end as charge_class,
        case lower(raw_charge_frequency)
            when 'usage-based' then 'Usage-Based'
            when 'one-time' then 'One-Time'
            when 'recurring' then 'Recurring'
            else raw_charge_frequency
        end as charge_frequency,
        raw_charge_description as charge_description,
        raw_service_category as service_category,
        raw_service_subcategory as service_subcategory,
        raw_service_name as service_name,
        raw_sku_meter as sku_meter,
        raw_pricing_unit as pricing_unit,
        raw_consumed_unit as consumed_unit,
        raw_pricing_category as pricing_category,
        raw_commitment_discount_type as commitment_discount_type,
        raw_commitment_discount_status as commitment_discount_status,
        raw_resource_name as resource_name,
        raw_resource_type as resource_type,
        raw_region_id as region_id,
        raw_region_name as region_name,
        raw_availability_zone as availability_zone,
        raw_tags as tags,
        tag_request_id,
        tag_feature_tag,
        lower(tag_model) as tag_model,
        lower(tag_provider) as tag_provider,
        {{ dbt.concat([
            "coalesce(raw_service_name, '')", "' | '",
            "coalesce(raw_sku_meter, '')", "' | '",
            "coalesce(raw_x_sku_meter_name, '')", "' | '",
            "coalesce(raw_x_usage_type, '')", "' | '",
            "coalesce(raw_charge_description, '')", "' | '",
            "coalesce(raw_sku_id, '')"]) }} as sku_text,
        {% for name in amounts -%}
        {{ ai_unit_economics.parse_amount('raw_' ~ name) }} as {{ name }},
        {% endfor -%}
        {% for name in timestamps -%}
        {{ ai_unit_economics.parse_timestamp_utc('raw_' ~ name) }} as {{ name }}_at,
        {% endfor -%}
        source_row_number,
        source_file,
        {% for lower_name in passthrough -%}
        {{ ai_unit_economics.quote_identifier(lower_name) }},
        {% endfor -%}
        {% for name in amounts + ['charge_period_start', 'charge_period_end', 'billing_currency'] -%}
        raw_{{ name }}{{ "," if not loop.last }}
        {% endfor %}
    from tagged

),

final as (

    select
        {{ dbt.concat(['row_hash', "'-'", 'cast(row_number() over (partition by row_hash order by source_row_number) as ' ~ dbt.type_string() ~ ')']) }}
            as focus_cost_id,
        *,
        cast(charge_period_start_at as date) as charge_date
    from parsed

)

select * from final
