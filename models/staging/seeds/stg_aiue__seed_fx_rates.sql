{#- The aiue_fx_rates seed: units of reporting_currency for one unit of currency on rate_date. -#}
{{ ai_unit_economics.seed_source('aiue_fx_rates') }},

final as (

    select
        upper({{ ai_unit_economics.clean_text('currency') }}) as currency,
        upper({{ ai_unit_economics.clean_text('reporting_currency') }}) as reporting_currency,
        {{ ai_unit_economics.clean_text('source') }} as rate_source,
        {{ ai_unit_economics.parse_decimal(ai_unit_economics.clean_text('rate'), ai_unit_economics.type_decimal(38, 15)) }} as rate,
        {{ ai_unit_economics.parse_date(ai_unit_economics.clean_text('rate_date')) }} as rate_date,
        {{ ai_unit_economics.clean_text('rate') }} as raw_rate,
        {{ ai_unit_economics.clean_text('rate_date') }} as raw_rate_date
    from source

)

select * from final
