{#- How cost per intent is spread, per month x feature x provider x model: P50, P95, P99 and
    the maximum, as discrete percentiles (macros/percentiles.sql) so DuckDB, Postgres and Spark
    give the same intent's cost. Percentiles do not add up: this mart is its own grain, not a
    sum of aiue__unit_economics_daily. -#}
{%- set money = ai_unit_economics.type_money() -%}
with intents as (

    select
        cast({{ dbt.date_trunc('month', 'intent_date') }} as date) as date_month,
        feature_tag,
        provider_name,
        response_model,
        currency,
        intent_id,
        total_cost
    from {{ ref('aiue__intents') }}

),

ranked as (

    select
        *,
        {{ ai_unit_economics.rank_columns(
            'total_cost',
            ['date_month', 'feature_tag', 'provider_name', 'response_model', 'currency'],
            'intent_id') }}
    from intents

),

final as (

    select
        date_month,
        feature_tag,
        provider_name,
        response_model,
        currency,
        count(*) as intents,
        cast({{ ai_unit_economics.percentile_disc(50, 'total_cost') }} as {{ money }})
            as p50_cost_per_intent,
        cast({{ ai_unit_economics.percentile_disc(95, 'total_cost') }} as {{ money }})
            as p95_cost_per_intent,
        cast({{ ai_unit_economics.percentile_disc(99, 'total_cost') }} as {{ money }})
            as p99_cost_per_intent,
        cast(max(total_cost) as {{ money }}) as max_cost_per_intent
    from ranked
    group by date_month, feature_tag, provider_name, response_model, currency

)

select * from final
