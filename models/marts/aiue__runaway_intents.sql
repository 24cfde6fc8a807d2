{#- Intents that ran away: a machine cost (tokens, tools, infra) over var aiue_runaway_multiple x
    the median machine cost per intent of their feature in the same month, or more calls than
    var aiue_runaway_max_calls. Labour is left out of the rule: an escalation is a human's work,
    not the AI looping (a $15 ticket beside cents of tokens would make every escalated intent a
    runaway). The median is the discrete (lower) one of macros/percentiles.sql, over every intent
    of the feature, month and currency. A feature whose median intent costs nothing has no cost
    rule (any priced intent would be "infinitely" over it); its intents can still run away by
    calls. -#}
{%- set multiple = var('aiue_runaway_multiple') -%}
{%- set max_calls = var('aiue_runaway_max_calls') -%}
with intents as (

    select
        cast({{ dbt.date_trunc('month', 'intent_date') }} as date) as date_month,
        intent_id,
        conversation_id,
        feature_tag,
        provider_name,
        response_model,
        currency,
        label_state,
        is_success,
        intent_date,
        calls,
        tool_calls,
        retry_calls,
        turns,
        tokens,
        cast({{ ai_unit_economics.money_sum(['token_cost', 'tool_cost', 'infra_cost']) }}
            as {{ ai_unit_economics.type_money() }}) as machine_cost,
        total_cost
    from {{ ref('aiue__intents') }}

),

ranked as (

    select
        *,
        {{ ai_unit_economics.rank_columns(
            'machine_cost', ['date_month', 'feature_tag', 'currency'], 'intent_id') }}
    from intents

),

medians as (

    select
        *,
        cast({{ ai_unit_economics.percentile_disc(50, 'machine_cost') }}
            over (partition by date_month, feature_tag, currency)
            as {{ ai_unit_economics.type_money() }}) as feature_median_machine_cost
    from ranked

),

judged as (

    select
        *,
        case when feature_median_machine_cost > 0
            then cast(machine_cost as {{ ai_unit_economics.type_double() }})
                / cast(feature_median_machine_cost as {{ ai_unit_economics.type_double() }})
        end
            as cost_multiple,
        coalesce(feature_median_machine_cost > 0 and machine_cost > {{ multiple }} * feature_median_machine_cost,
            false) as is_over_cost,
        {% if max_calls is none -%}
        false as is_over_calls
        {%- else -%}
        calls > {{ max_calls }} as is_over_calls
        {%- endif %}
    from medians

),

final as (

    select
        intent_id,
        conversation_id,
        feature_tag,
        provider_name,
        response_model,
        currency,
        intent_date,
        date_month,
        label_state,
        is_success,
        case
            when is_over_cost and is_over_calls then 'cost_and_calls'
            when is_over_cost then 'cost'
            else 'calls'
        end as runaway_reason,
        calls,
        tool_calls,
        retry_calls,
        turns,
        tokens,
        machine_cost,
        total_cost,
        feature_median_machine_cost,
        cost_multiple,
        machine_cost_count as feature_intents
    from judged
    where is_over_cost or is_over_calls

)

select * from final
