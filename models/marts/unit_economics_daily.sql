{#- Additive sums by day x feature x primary provider x primary model, and the metrics.
    Re-aggregate the sums (never average the ratios): see README, "Metrics". -#}
with intents as (

    select * from {{ ref('fct_intents') }}

),

sums as (

    select
        intent_date as date_day,
        feature_tag,
        provider_name,
        response_model,
        currency,
        count(*) as intents,
        sum(case when is_in_success_rate then 1 else 0 end) as labeled_intents,
        sum(case when is_in_success_rate and is_success then 1 else 0 end) as successful_intents,
        sum(case when is_in_success_rate and is_escalated then 1 else 0 end) as escalated_intents,
        sum(case when is_in_success_rate and is_human_reviewed then 1 else 0 end) as reviewed_intents,
        sum(case when is_labeled then 0 else 1 end) as unlabeled_intents,
        sum(calls) as calls,
        sum(retry_calls) as retry_calls,
        sum(turns) as turns,
        sum(tokens) as tokens,
        sum(token_cost) as token_cost,
        sum(retry_cost) as retry_cost,
        sum(tool_cost) as tool_cost,
        sum(escalation_cost) as escalation_cost,
        sum(review_cost) as review_cost,
        sum(labor_cost) as labor_cost,
        sum(total_cost) as total_cost,
        sum(case when is_in_success_rate then total_cost else 0 end) as labeled_total_cost,
        sum(case when is_in_success_rate and is_success then total_cost else 0 end) as successful_total_cost,
        sum(cast(total_cost as {{ ai_unit_economics.type_double() }})
            * cast(total_cost as {{ ai_unit_economics.type_double() }})) as total_cost_squared,
        sum(case when is_in_success_rate
            then cast(total_cost as {{ ai_unit_economics.type_double() }})
                * cast(total_cost as {{ ai_unit_economics.type_double() }})
            else 0 end) as labeled_total_cost_squared
    from intents
    group by intent_date, feature_tag, provider_name, response_model, currency

),

final as (

    select
        {{ dbt.concat([
            'cast(date_day as ' ~ dbt.type_string() ~ ')',
            "'|'", "coalesce(feature_tag, '')",
            "'|'", "coalesce(provider_name, '')",
            "'|'", "coalesce(response_model, '')"]) }} as unit_economics_daily_id,
        *,
        {{ ai_unit_economics.unit_economics_metrics() }}
    from sums

)

select * from final
