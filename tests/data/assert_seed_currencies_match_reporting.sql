-- Until FX conversion exists, every money seed row must be in the reporting currency.
{% set seeds = ['stg_aiue__seed_model_prices', 'stg_aiue__seed_escalation_costs',
                'stg_aiue__seed_review_costs', 'stg_aiue__seed_tool_costs'] %}
{% for seed in seeds %}
select '{{ seed }}' as seed, currency
from {{ ref(seed) }}
where currency != '{{ var("aiue_reporting_currency") }}'
{{ "union all" if not loop.last }}
{% endfor %}
