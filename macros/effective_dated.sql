{#- Resolve each row of `keys` to the one row of `rates` that holds for it.

    A rates row holds from valid_from (inclusive) to valid_to (exclusive; null = open).
    A rates key column of '*' matches anything; fewer wildcards win, then the earlier
    key columns being exact, then the latest valid_from. Keys with no holding row are
    absent from the result: callers left-join back and flag them. -#}
{% macro effective_dated_match(keys, rates, key_columns, date_column, value_columns) -%}
select
  {%- for column in key_columns %}
  {{ keys }}.{{ column }},
  {%- endfor %}
  {{ keys }}.{{ date_column }},
  {%- for column in value_columns %}
  ranked_rates.{{ column }}{{ "," if not loop.last }}
  {%- endfor %}
from {{ keys }}
inner join (
  select
    {%- for column in key_columns %}
    {{ keys }}.{{ column }} as key_{{ column }},
    {%- endfor %}
    {{ keys }}.{{ date_column }} as key_{{ date_column }},
    {%- for column in value_columns %}
    {{ rates }}.{{ column }},
    {%- endfor %}
    row_number() over (
      partition by
        {%- for column in key_columns %}
        {{ keys }}.{{ column }},
        {%- endfor %}
        {{ keys }}.{{ date_column }}
      order by
        {% for column in key_columns -%}
        case when {{ rates }}.{{ column }} = '*' then 1 else 0 end{{ " + " if not loop.last }}
        {%- endfor %},
        {%- for column in key_columns %}
        case when {{ rates }}.{{ column }} = '*' then 1 else 0 end,
        {%- endfor %}
        {{ rates }}.valid_from desc
    ) as match_rank
  from {{ keys }}
  inner join {{ rates }}
    on {% for column in key_columns -%}
    ({{ rates }}.{{ column }} = {{ keys }}.{{ column }} or {{ rates }}.{{ column }} = '*')
    and {% endfor -%}
    {{ keys }}.{{ date_column }} >= {{ rates }}.valid_from
    and ({{ rates }}.valid_to is null or {{ keys }}.{{ date_column }} < {{ rates }}.valid_to)
) as ranked_rates
  on {% for column in key_columns -%}
  {{ keys }}.{{ column }} = ranked_rates.key_{{ column }}
  and {% endfor -%}
  {{ keys }}.{{ date_column }} = ranked_rates.key_{{ date_column }}
  and ranked_rates.match_rank = 1
{%- endmacro %}
