{#- The columns together identify a row (a model's key when it has no single key column):
    fails with each combination that occurs more than once. Nulls compare equal here, as in
    group by. with_passthrough_dimensions adds the pass-through dimensions of var
    aiue_span_passthrough_columns (the metric views' grain follows the var). -#}
{% test unique_combination(model, combination, with_passthrough_dimensions=false) %}
{%- set columns = combination + (ai_unit_economics.passthrough_dimension_names() if with_passthrough_dimensions else []) -%}
select
    {{ columns | join(', ') }},
    count(*) as occurrences
from {{ model }}
group by {{ columns | join(', ') }}
having count(*) > 1
{% endtest %}
