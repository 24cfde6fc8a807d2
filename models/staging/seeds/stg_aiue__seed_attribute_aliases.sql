{#- The aiue_attribute_aliases seed: which attribute (or column) fills which genai_spans
    contract column. The span layout models read this view when they compile. -#}
{{ ai_unit_economics.seed_source('aiue_attribute_aliases') }},

final as (

    select
        lower({{ ai_unit_economics.clean_text('contract_column') }}) as contract_column,
        {{ ai_unit_economics.clean_text('attribute_key') }} as attribute_key,
        {{ ai_unit_economics.clean_text('value_path') }} as value_path,
        {{ ai_unit_economics.clean_text('when_value') }} as when_value,
        {{ ai_unit_economics.clean_text('then_value') }} as then_value,
        lower({{ ai_unit_economics.clean_text('convention') }}) as convention,
        {{ ai_unit_economics.parse_integer(ai_unit_economics.clean_text('priority')) }} as priority,
        {{ ai_unit_economics.clean_text('priority') }} as raw_priority
    from source

)

select * from final
