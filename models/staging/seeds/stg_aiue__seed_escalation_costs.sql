{{ ai_unit_economics.seed_source('aiue_escalation_costs') }},

parsed as (

    select
        {{ ai_unit_economics.clean_text('feature_tag') }} as feature_tag,
        lower({{ ai_unit_economics.clean_text('escalation_channel') }}) as escalation_channel,
        upper({{ ai_unit_economics.clean_text('currency') }}) as currency,
        {{ ai_unit_economics.parse_decimal(ai_unit_economics.clean_text('minutes_per_ticket')) }} as minutes_per_ticket,
        {{ ai_unit_economics.parse_decimal(ai_unit_economics.clean_text('loaded_hourly_rate')) }} as loaded_hourly_rate,
        {{ ai_unit_economics.parse_decimal(ai_unit_economics.clean_text('cost_per_ticket')) }} as stated_cost_per_ticket,
        {{ ai_unit_economics.parse_date(ai_unit_economics.clean_text('valid_from')) }} as valid_from,
        {{ ai_unit_economics.parse_date(ai_unit_economics.clean_text('valid_to')) }} as valid_to
    from source

),

final as (

    select
        *,
        {{ ai_unit_economics.labor_rate('stated_cost_per_ticket', 'minutes_per_ticket', 'loaded_hourly_rate') }} as cost_per_ticket
    from parsed

)

select * from final
