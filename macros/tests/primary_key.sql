{#- The columns are the model's key: never null, and together unique. One scan (a unique and
    a not_null test per column would be three). Fails with each key value that is null in a
    part or occurs more than once. -#}
{% test primary_key(model, columns) %}
select
    {{ columns | join(', ') }},
    count(*) as occurrences
from {{ model }}
group by {{ columns | join(', ') }}
having count(*) > 1
    {%- for column in columns %}
    or {{ column }} is null
    {%- endfor %}
{% endtest %}
