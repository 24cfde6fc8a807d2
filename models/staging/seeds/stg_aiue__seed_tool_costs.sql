{{ ai_unit_economics.seed_source('aiue_tool_costs') }},

final as (

    select
        {{ ai_unit_economics.clean_text('tool_name') }} as tool_name,
        upper({{ ai_unit_economics.clean_text('currency') }}) as currency,
        {{ ai_unit_economics.parse_decimal(ai_unit_economics.clean_text('cost_per_call')) }} as cost_per_call,
        {{ ai_unit_economics.parse_date(ai_unit_economics.clean_text('valid_from')) }} as valid_from,
        {{ ai_unit_economics.parse_date(ai_unit_economics.clean_text('valid_to')) }} as valid_to
    from source

)

select * from final
