{#- The aiue_focus_sku_map seed: which FOCUS rows are model token charges. `pattern` is a
    case-insensitive regular expression matched against a row's sku_text (ServiceName |
    SkuMeter | x_SkuMeterName | x_UsageType | ChargeDescription | SkuId). A row with a
    not_allocable_reason keeps the charges it matches unallocated, with that reason. -#}
{{ ai_unit_economics.seed_source('aiue_focus_sku_map') }},

final as (

    select
        {{ ai_unit_economics.clean_text('focus_provider') }} as focus_provider,
        {{ ai_unit_economics.clean_text('pattern') }} as pattern,
        lower({{ ai_unit_economics.clean_text('provider') }}) as provider,
        lower({{ ai_unit_economics.clean_text('model') }}) as model,
        lower({{ ai_unit_economics.clean_text('usage_type') }}) as usage_type,
        {{ ai_unit_economics.parse_decimal(ai_unit_economics.clean_text('tokens_per_unit'), ai_unit_economics.type_decimal(20, 6)) }} as tokens_per_unit,
        {{ ai_unit_economics.parse_integer(ai_unit_economics.clean_text('priority')) }} as priority,
        {{ ai_unit_economics.clean_text('not_allocable_reason') }} as not_allocable_reason,
        {{ ai_unit_economics.clean_text('note') }} as note,
        {{ ai_unit_economics.clean_text('tokens_per_unit') }} as raw_tokens_per_unit,
        {{ ai_unit_economics.clean_text('priority') }} as raw_priority
    from source

)

select * from final
