{#- One row per day from start_date (inclusive) to end_date (exclusive), as `date_day`: the
    body of the MetricFlow time spine. dbt's date_spine everywhere, except Spark, where its
    thirteen-way cross join takes ~15 s to plan and sequence() does the same at once. -#}
{% macro day_spine(start_date, end_date) -%}
  {{ return(adapter.dispatch('day_spine', 'ai_unit_economics')(start_date, end_date)) }}
{%- endmacro %}

{% macro default__day_spine(start_date, end_date) -%}
  {{ dbt.date_spine('day', "cast('" ~ start_date ~ "' as date)", "cast('" ~ end_date ~ "' as date)") }}
{%- endmacro %}

{% macro spark__day_spine(start_date, end_date) -%}
  select explode(sequence(
      cast('{{ start_date }}' as date),
      date_sub(cast('{{ end_date }}' as date), 1),
      interval 1 day
  )) as date_day
{%- endmacro %}
