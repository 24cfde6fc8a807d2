{#- The MetricFlow time spine (one row per day), described in _aiue__semantic.yml. Switch it
    off with var aiue__using_time_spine: false when your project has its own daily spine:
    MetricFlow supports one spine per granularity. -#}
{{ config(
    materialized='table',
    enabled=var('aiue__using_time_spine', true),
) }}

with days as (

    {{ ai_unit_economics.day_spine(
        var('aiue_time_spine_start', '2020-01-01'),
        var('aiue_time_spine_end', '2036-01-01'),
    ) }}

),

final as (

    select cast(date_day as date) as date_day
    from days

)

select * from final
