{#- Fails on rows where `raw_column` has text that did not parse into `column_name`:
    the failing rows name the bad cell. -#}
{% test parsed(model, column_name, raw_column) %}
select {{ raw_column }} as bad_value
from {{ model }}
where {{ raw_column }} is not null
  and {{ column_name }} is null
{% endtest %}
