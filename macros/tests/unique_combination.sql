{#- Fails on each combination of `columns` that more than one row has (a compound primary
    key; dbt_utils.unique_combination_of_columns without the hub dependency). -#}
{% test unique_combination(model, columns) %}
select
    {{ columns | join(', ') }},
    count(*) as rows_with_this_key
from {{ model }}
group by {{ columns | join(', ') }}
having count(*) > 1
{% endtest %}
