{#- The aiue_gpu_rates seed: self-hosted models' GPU leases, effective-dated. A day of a row
    costs gpu_count x price_per_gpu_hour x 24. -#}
{{ ai_unit_economics.seed_source('aiue_gpu_rates') }},

final as (

    select
        lower({{ ai_unit_economics.clean_text('provider') }}) as provider,
        lower({{ ai_unit_economics.clean_text('model') }}) as model,
        {{ ai_unit_economics.clean_text('gpu_type') }} as gpu_type,
        upper({{ ai_unit_economics.clean_text('currency') }}) as currency,
        {{ ai_unit_economics.clean_text('source') }} as rate_source,
        {{ ai_unit_economics.parse_decimal(ai_unit_economics.clean_text('gpu_count'), ai_unit_economics.type_decimal(12, 4)) }} as gpu_count,
        {{ ai_unit_economics.parse_decimal(ai_unit_economics.clean_text('price_per_gpu_hour'), ai_unit_economics.type_decimal(20, 10)) }} as price_per_gpu_hour,
        {{ ai_unit_economics.parse_decimal(ai_unit_economics.clean_text('tokens_per_gpu_hour'), ai_unit_economics.type_decimal(20, 2)) }} as tokens_per_gpu_hour,
        {{ ai_unit_economics.parse_date(ai_unit_economics.clean_text('valid_from')) }} as valid_from,
        {{ ai_unit_economics.parse_date(ai_unit_economics.clean_text('valid_to')) }} as valid_to,
        {{ ai_unit_economics.clean_text('gpu_count') }} as raw_gpu_count,
        {{ ai_unit_economics.clean_text('price_per_gpu_hour') }} as raw_price_per_gpu_hour,
        {{ ai_unit_economics.clean_text('tokens_per_gpu_hour') }} as raw_tokens_per_gpu_hour,
        {{ ai_unit_economics.clean_text('valid_from') }} as raw_valid_from,
        {{ ai_unit_economics.clean_text('valid_to') }} as raw_valid_to
    from source

)

select * from final
