-- Our own intents fact: every conversation the support app opened, with its customer and plan,
-- and what the AI behind it cost according to the ai_unit_economics package. The name is the
-- one the package's mart used to have; the package's marts are now aiue__*, so both coexist.
with app_intents as (

    select
        intent_id,
        customer_id,
        plan,
        opened_at
    from {{ ref('app_intents') }}

),

ai_costs as (

    select
        intent_id,
        total_cost,
        is_success
    from {{ ref('aiue__intents') }}

),

final as (

    select
        app_intents.intent_id,
        app_intents.customer_id,
        app_intents.plan,
        coalesce(ai_costs.total_cost, 0) as ai_cost_usd,
        ai_costs.intent_id is not null as has_ai_telemetry,
        ai_costs.is_success,
        app_intents.opened_at,
        cast(app_intents.opened_at as date) as opened_date
    from app_intents
    left join ai_costs
        on app_intents.intent_id = ai_costs.intent_id

)

select * from final
