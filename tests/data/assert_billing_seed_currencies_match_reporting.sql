-- Negotiated prices and GPU leases must be in the reporting currency (FOCUS rows are
-- converted with aiue_fx_rates; these seeds are not).
select 'aiue_model_price_overrides' as seed, currency
from {{ ref('stg_aiue__seed_model_price_overrides') }}
where currency != '{{ var("aiue_reporting_currency") }}'
union all
select 'aiue_gpu_rates' as seed, currency
from {{ ref('stg_aiue__seed_gpu_rates') }}
where currency != '{{ var("aiue_reporting_currency") }}'
