{#- List token prices (the aiue_model_prices seed; `aiue prices` regenerates it). -#}
{{ ai_unit_economics.stage_price_seed('aiue_model_prices') }}
