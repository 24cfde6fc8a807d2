{#- The columns together identify a row (a model's key when it has no single key column):
    fails with each combination that occurs more than once. Nulls compare equal here, as in
    group by. -#}
{% test unique_combination(model, combination) %}
select
    {{ combination | join(', ') }},
    count(*) as occurrences
from {{ model }}
group by {{ combination | join(', ') }}
having count(*) > 1
{% endtest %}
