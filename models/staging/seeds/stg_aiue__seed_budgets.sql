{#- The aiue_budgets seed, parsed. Names are lower-cased; empty thresholds take the defaults
    (warn at 80% of the limit, error at 100%). raw_* keep the cells for the parsed tests. -#}
{{ ai_unit_economics.seed_source('aiue_budgets') }},

final as (

    select
        {{ ai_unit_economics.clean_text('budget_id') }} as budget_id,
        lower({{ ai_unit_economics.clean_text('scope') }}) as scope,
        {{ ai_unit_economics.clean_text('scope_value') }} as scope_value,
        lower({{ ai_unit_economics.clean_text('period') }}) as budget_period,
        lower({{ ai_unit_economics.clean_text('metric') }}) as budget_metric,
        upper({{ ai_unit_economics.clean_text('currency') }}) as currency,
        {{ ai_unit_economics.clean_text('note') }} as note,
        {{ ai_unit_economics.parse_decimal(ai_unit_economics.clean_text('limit_amount')) }} as limit_amount,
        coalesce(
            {{ ai_unit_economics.parse_decimal(ai_unit_economics.clean_text('warn_at'), ai_unit_economics.type_decimal(38, 6)) }},
            0.8) as warn_at,
        coalesce(
            {{ ai_unit_economics.parse_decimal(ai_unit_economics.clean_text('error_at'), ai_unit_economics.type_decimal(38, 6)) }},
            1.0) as error_at,
        {{ ai_unit_economics.parse_date(ai_unit_economics.clean_text('valid_from')) }} as valid_from,
        {{ ai_unit_economics.parse_date(ai_unit_economics.clean_text('valid_to')) }} as valid_to,
        {{ ai_unit_economics.clean_text('limit_amount') }} as raw_limit_amount,
        {{ ai_unit_economics.clean_text('warn_at') }} as raw_warn_at,
        {{ ai_unit_economics.clean_text('error_at') }} as raw_error_at,
        {{ ai_unit_economics.clean_text('valid_from') }} as raw_valid_from,
        {{ ai_unit_economics.clean_text('valid_to') }} as raw_valid_to
    from source

)

select * from final
