{#- Fails (or warns, with severity: warn) on each budget whose current period has crossed its
    `threshold` ('warn' or 'error'): month-to-date (or day-to-date) spend or cost per success at
    or above that share of the limit. The rows name the budget, the value and the limit. -#}
{% test budget_threshold_not_crossed(model, threshold) %}
{%- set statuses = ['warn', 'error'] if threshold == 'warn' else ['error'] -%}
select
    budget_id,
    scope,
    scope_value,
    budget_metric,
    period_start,
    actual_value,
    limit_amount,
    {{ threshold }}_amount as threshold_amount,
    status
from {{ model }}
where is_current_period
    and status in ('{{ statuses | join("', '") }}')
{% endtest %}
