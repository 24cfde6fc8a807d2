{{ ai_unit_economics.seed_source('aiue_review_costs') }},

parsed as (

    select
        {{ ai_unit_economics.clean_text('feature_tag') }} as feature_tag,
        upper({{ ai_unit_economics.clean_text('currency') }}) as currency,
        {{ ai_unit_economics.parse_decimal(ai_unit_economics.clean_text('minutes_per_review')) }} as minutes_per_review,
        {{ ai_unit_economics.parse_decimal(ai_unit_economics.clean_text('loaded_hourly_rate')) }} as loaded_hourly_rate,
        {{ ai_unit_economics.parse_decimal(ai_unit_economics.clean_text('cost_per_review')) }} as stated_cost_per_review,
        {{ ai_unit_economics.parse_date(ai_unit_economics.clean_text('valid_from')) }} as valid_from,
        {{ ai_unit_economics.parse_date(ai_unit_economics.clean_text('valid_to')) }} as valid_to
    from source

),

final as (

    select
        *,
        {{ ai_unit_economics.labor_rate('stated_cost_per_review', 'minutes_per_review', 'loaded_hourly_rate') }} as cost_per_review
    from parsed

)

select * from final
