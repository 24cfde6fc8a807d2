{{ ai_unit_economics.seed_source('aiue_outcome_values') }},

final as (

    select
        {{ ai_unit_economics.clean_text('feature_tag') }} as feature_tag,
        upper({{ ai_unit_economics.clean_text('currency') }}) as currency,
        cast({{ ai_unit_economics.parse_decimal(ai_unit_economics.clean_text('value_per_success')) }}
            as {{ ai_unit_economics.type_money() }}) as value_per_success,
        {{ ai_unit_economics.parse_date(ai_unit_economics.clean_text('valid_from')) }} as valid_from,
        {{ ai_unit_economics.parse_date(ai_unit_economics.clean_text('valid_to')) }} as valid_to
    from source

)

select * from final
