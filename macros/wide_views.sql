{#- How the metric views holding every metric (aiue__metrics_monthly, aiue__metrics_all_time)
    are materialized: views, but tables on Spark, whose Hive metastore keeps a view's SQL in a
    32,700-character column that their interval SQL outgrows (the build fails with "A
    truncation error was encountered"). -#}
{% macro wide_view_materialization() -%}
  {{ return(adapter.dispatch('wide_view_materialization', 'ai_unit_economics')()) }}
{%- endmacro %}

{% macro default__wide_view_materialization() -%}
  {{ return('view') }}
{%- endmacro %}

{% macro spark__wide_view_materialization() -%}
  {{ return('table') }}
{%- endmacro %}
