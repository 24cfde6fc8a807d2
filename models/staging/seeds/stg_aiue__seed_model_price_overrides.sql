{#- Negotiated token prices (the aiue_model_price_overrides seed). Same columns and rules as
    aiue_model_prices; where a row holds, it wins over the list price. -#}
{{ ai_unit_economics.stage_price_seed('aiue_model_price_overrides') }}
