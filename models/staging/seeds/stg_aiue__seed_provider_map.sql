{#- The aiue_provider_map seed: provider names as telemetry (or a FOCUS export) writes them ->
    the provider a call is reported and billed under, and the provider whose prices apply;
    model_pattern (a case-insensitive regex with one capture group) limits a row to matching
    models and names the price catalogue's model. -#}
{{ ai_unit_economics.seed_source('aiue_provider_map') }},

final as (

    select
        lower({{ ai_unit_economics.clean_text('provider_alias') }}) as provider_alias,
        {{ ai_unit_economics.clean_text('model_pattern') }} as model_pattern,
        lower({{ ai_unit_economics.clean_text('provider') }}) as provider,
        lower({{ ai_unit_economics.clean_text('price_provider') }}) as price_provider,
        {{ ai_unit_economics.parse_integer(ai_unit_economics.clean_text('priority')) }} as priority,
        {{ ai_unit_economics.clean_text('note') }} as note,
        {{ ai_unit_economics.clean_text('priority') }} as raw_priority
    from source

)

select * from final
