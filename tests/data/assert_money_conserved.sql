-- Money is conserved from calls to intents to the daily mart, exactly (fixed point).
with totals as (
    select
        (select coalesce(sum(cost), 0) from {{ ref('aiue__llm_calls') }}) as call_cost,
        (select coalesce(sum({{ ai_unit_economics.money_sum(['token_cost', 'tool_cost', 'infra_cost']) }}), 0)
            from {{ ref('aiue__intents') }}) as intent_call_cost,
        (select coalesce(sum(total_cost), 0) from {{ ref('aiue__intents') }}) as intent_total_cost,
        (select coalesce(sum(total_cost), 0) from {{ ref('aiue__unit_economics_daily') }}) as daily_total_cost,
        (select count(*) from {{ ref('aiue__intents') }}) as intents,
        (select coalesce(sum(intents), 0) from {{ ref('aiue__unit_economics_daily') }}) as daily_intents
)
select *
from totals
where call_cost != intent_call_cost
   or intent_total_cost != daily_total_cost
   or intents != daily_intents
