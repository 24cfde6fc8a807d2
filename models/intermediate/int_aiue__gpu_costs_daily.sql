{{ config(enabled=ai_unit_economics.is_using_billing()) }}
{#- The aiue_gpu_rates seed as one cost line per lease row and day: gpu_count x
    price_per_gpu_hour x 24, for the days the row holds inside the telemetry's window (first to
    last call day). Rows for the same model add up (each is a lease). A day and model that
    FOCUS already bills with model-tagged compute rows takes the invoice, not the seed. -#}
with gpu_rates as (

    select * from {{ ref('stg_aiue__seed_gpu_rates') }}
    where model is not null
        and gpu_count is not null
        and price_per_gpu_hour is not null
        and valid_from is not null

),

telemetry_window as (

    select
        min(cast(started_at as date)) as first_day,
        max(cast(started_at as date)) as last_day
    from {{ ref('int_aiue__spans_validated') }}
    where rejection_reason is null

),

offsets as (

    {{ ai_unit_economics.day_offsets(4) }}

),

window_days as (

    select {{ ai_unit_economics.add_days('telemetry_window.first_day', 'offsets.day_offset') }} as date_day
    from telemetry_window
    cross join offsets
    where telemetry_window.first_day is not null
        and {{ ai_unit_economics.add_days('telemetry_window.first_day', 'offsets.day_offset') }}
            <= telemetry_window.last_day

),

{% if ai_unit_economics.is_using_focus() -%}
invoiced_gpu_days as (

    select distinct charge_date, tag_model
    from {{ ref('int_aiue__focus_costs_classified') }}
    where allocation_kind = 'gpu'

),
{%- endif %}

seed_days as (

    select
        window_days.date_day,
        coalesce(gpu_rates.provider, '*') as provider_name,
        gpu_rates.model as response_model,
        gpu_rates.gpu_type,
        gpu_rates.currency,
        gpu_rates.rate_source,
        gpu_rates.gpu_count,
        gpu_rates.price_per_gpu_hour,
        gpu_rates.tokens_per_gpu_hour,
        cast(gpu_rates.gpu_count * 24 as {{ ai_unit_economics.type_money() }}) as gpu_hours,
        {#- 24 as decimal(2, 0): an integer literal would be decimal(10, 0) on Spark and push the
            product past 38 digits, where Spark cuts the scale to 8. -#}
        cast(
            gpu_rates.gpu_count * gpu_rates.price_per_gpu_hour * cast(24 as {{ ai_unit_economics.type_decimal(2, 0) }})
            as {{ ai_unit_economics.type_money() }}
        ) as amount,
        gpu_rates.valid_from
    from gpu_rates
    inner join window_days
        on window_days.date_day >= gpu_rates.valid_from
        and (gpu_rates.valid_to is null or window_days.date_day < gpu_rates.valid_to)

),

final as (

    select
        {{ dbt.concat([
            "'gpu_rate|'", 'cast(seed_days.date_day as ' ~ dbt.type_string() ~ ')',
            "'|'", 'seed_days.provider_name', "'|'", 'seed_days.response_model',
            "'|'", "coalesce(seed_days.gpu_type, '')",
            "'|'", 'cast(seed_days.valid_from as ' ~ dbt.type_string() ~ ')']) }} as gpu_cost_line_id,
        seed_days.*
    from seed_days
    {% if ai_unit_economics.is_using_focus() -%}
    left join invoiced_gpu_days
        on seed_days.date_day = invoiced_gpu_days.charge_date
        and seed_days.response_model = invoiced_gpu_days.tag_model
    where invoiced_gpu_days.tag_model is null
    {%- endif %}

)

select * from final
