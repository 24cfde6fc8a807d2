{#- Incremental models recompute whole days: the days the input files new to the table touch,
    and the last var('aiue_lookback_days') days it holds (for raw tables loaded without a
    file name, e.g. by your own pipeline). docs/performance.md has the design. -#}

{#- 'incremental' where dbt's delete+insert on an expression key is supported; Spark's
    session tables (Parquet) have neither delete nor merge: a table, rebuilt every run. -#}
{% macro incremental_materialization() -%}
  {{ return(adapter.dispatch('incremental_materialization', 'ai_unit_economics')()) }}
{%- endmacro %}

{% macro default__incremental_materialization() -%}
  {{ return('incremental') }}
{%- endmacro %}

{% macro spark__incremental_materialization() -%}
  {{ return('table') }}
{%- endmacro %}

{#- The day a span row is recomputed with: its UTC start date; spans whose start time could
    not be read are re-checked on every run (the far-future day). -#}
{% macro span_day(started_at) -%}
  coalesce(cast({{ started_at }} as date), cast('9999-12-31' as date))
{%- endmacro %}

{#- The days an incremental run recomputes, from `staged` (a CTE of every staged row with
    source_file and `day_expression`) against {{ this }}. -#}
{% macro touched_days(staged, day_expression) -%}
    select distinct {{ day_expression }} as recomputed_day
    from {{ staged }}
    where source_file not in (
            select distinct source_file from {{ this }} where source_file is not null
        )
        or {{ day_expression }} >= (
            select {{ dbt.dateadd('day', -1 * var('aiue_lookback_days'), 'max(' ~ day_expression ~ ')') }}
            from {{ this }}
            where {{ day_expression }} < cast('9999-12-31' as date)
        )
{%- endmacro %}
