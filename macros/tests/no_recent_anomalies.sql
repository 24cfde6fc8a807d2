{#- Warns (with severity: warn) on each anomaly of aiue__anomalies in the last `days` days up
    to its latest day: the day, the feature and its dimensions, the measure, the observed and
    expected values and the score. Older anomalies stay in the mart but no longer warn. -#}
{% test no_recent_anomalies(model, days=7) %}
with latest as (

    select max(date_day) as latest_day
    from {{ model }}

)

select
    anomalies.date_day,
    anomalies.feature_tag,{{ ai_unit_economics.passthrough_list(prefix='anomalies.', dimensions_only=true) }}
    anomalies.measure,
    anomalies.observed_value,
    anomalies.expected_value,
    anomalies.score
from {{ model }} as anomalies
cross join latest
where anomalies.is_anomaly
    and anomalies.date_day > cast({{ dbt.dateadd('day', -days, 'latest.latest_day') }} as date)
{% endtest %}
