{#- Each budget of the aiue_budgets seed against the spend or cost per success of its scope, one
    row per budget and period (month or day) up to the as-of day: var aiue_budget_as_of, else
    the last day with calls in aiue__unit_economics_daily (a later day that holds only billing
    rows, such as a credit or an invoice line posted after the month, is not judged on its
    own: its money still counts in its period when that period is judged). The budget row used for a period is the one
    valid on its evaluation day (the as-of day for the current period, the last day for past
    ones). Spend is the total cost of the intents in scope (tokens, tools, infra, labour) plus
    billed money in scope that landed on no call; the straight-line forecast is spend / days
    elapsed x days in the period. A budget's scope column comes from var aiue_budget_scopes. -#}
{%- set scopes = ai_unit_economics.budget_scopes() -%}
{%- set money = ai_unit_economics.type_money() -%}
{%- set as_of = var('aiue_budget_as_of', none) -%}
with budgets as (

    select * from {{ ref('stg_aiue__seed_budgets') }}
    where budget_id is not null
        and limit_amount is not null
        and valid_from is not null

),

daily as (

    select
        date_day,
        {% for column in scopes.values() | unique -%}
        {{ column }},
        {% endfor -%}
        calls,
        total_cost,
        unallocated_cost,
        labeled_total_cost,
        labeled_intents,
        successful_intents
    from {{ ref('aiue__unit_economics_daily') }}

),

as_of as (

    select
        {% if as_of -%}
        cast('{{ as_of }}' as date) as as_of_date
        {%- else -%}
        coalesce(max(case when calls > 0 then date_day end), max(date_day)) as as_of_date
        {%- endif %}
    from daily

),

period_starts as (

    select distinct
        'month' as budget_period,
        cast({{ dbt.date_trunc('month', 'daily.date_day') }} as date) as period_start
    from daily
    inner join as_of
        on daily.date_day <= as_of.as_of_date

    union all

    select distinct
        'day' as budget_period,
        daily.date_day as period_start
    from daily
    inner join as_of
        on daily.date_day <= as_of.as_of_date

    union all

    select
        'month' as budget_period,
        cast({{ dbt.date_trunc('month', 'as_of_date') }} as date) as period_start
    from as_of

    union all

    select
        'day' as budget_period,
        as_of_date as period_start
    from as_of

),

periods as (

    select distinct
        period_starts.budget_period,
        period_starts.period_start,
        case period_starts.budget_period
            when 'month' then cast({{ dbt.dateadd('month', 1, 'period_starts.period_start') }} as date)
            else cast({{ dbt.dateadd('day', 1, 'period_starts.period_start') }} as date)
        end as period_end,
        as_of.as_of_date
    from period_starts
    cross join as_of
    where as_of.as_of_date is not null

),

evaluated_periods as (

    select
        budget_period,
        period_start,
        period_end,
        as_of_date,
        case
            when as_of_date < period_end then as_of_date
            else cast({{ dbt.dateadd('day', -1, 'period_end') }} as date)
        end as evaluated_on,
        as_of_date >= period_start and as_of_date < period_end as is_current_period
    from periods

),

budget_periods as (

    select
        budgets.budget_id,
        budgets.scope,
        budgets.scope_value,
        budgets.budget_period,
        budgets.budget_metric,
        budgets.currency,
        budgets.note,
        budgets.limit_amount,
        budgets.warn_at,
        budgets.error_at,
        evaluated_periods.period_start,
        evaluated_periods.period_end,
        evaluated_periods.evaluated_on,
        evaluated_periods.as_of_date,
        evaluated_periods.is_current_period
    from budgets
    inner join evaluated_periods
        on budgets.budget_period = evaluated_periods.budget_period
        and budgets.valid_from <= evaluated_periods.evaluated_on
        and (budgets.valid_to is null or budgets.valid_to > evaluated_periods.evaluated_on)

),

scoped as (

    select
        budget_periods.budget_id,
        budget_periods.period_start,
        count(daily.date_day) as daily_rows,
        sum(daily.total_cost) as total_cost,
        sum(daily.unallocated_cost) as unallocated_cost,
        sum(daily.labeled_total_cost) as labeled_total_cost,
        sum(daily.labeled_intents) as labeled_intents,
        sum(daily.successful_intents) as successful_intents
    from budget_periods
    left join daily
        on daily.date_day >= budget_periods.period_start
        and daily.date_day <= budget_periods.evaluated_on
        and (
            budget_periods.scope_value = '*'
            or case budget_periods.scope
                {% for scope, column in scopes.items() -%}
                when '{{ scope }}' then daily.{{ column }}
                {% endfor -%}
            end = budget_periods.scope_value
        )
    group by budget_periods.budget_id, budget_periods.period_start

),

measured as (

    select
        budget_periods.*,
        scoped.daily_rows,
        cast({{ ai_unit_economics.money_sum(['coalesce(scoped.total_cost, 0)', 'coalesce(scoped.unallocated_cost, 0)']) }}
            as {{ money }}) as spend,
        cast(coalesce(scoped.labeled_total_cost, 0) as {{ money }}) as labeled_total_cost,
        coalesce(scoped.labeled_intents, 0) as labeled_intents,
        coalesce(scoped.successful_intents, 0) as successful_intents,
        {{ dbt.datediff('budget_periods.period_start', 'budget_periods.period_end', 'day') }} as period_days,
        {{ dbt.datediff('budget_periods.period_start', 'budget_periods.evaluated_on', 'day') }} + 1 as elapsed_days
    from budget_periods
    inner join scoped
        on budget_periods.budget_id = scoped.budget_id
        and budget_periods.period_start = scoped.period_start

),

valued as (

    select
        *,
        {{ ai_unit_economics.metric_sql('cost_per_success') }} as cost_per_success,
        case budget_metric
            when 'total_cost' then cast(spend as {{ ai_unit_economics.type_double() }})
            when 'cost_per_success' then {{ ai_unit_economics.metric_sql('cost_per_success') }}
        end as actual_value,
        case budget_metric
            when 'total_cost' then {{ ai_unit_economics.ratio('spend', 'elapsed_days') }} * period_days
            when 'cost_per_success' then {{ ai_unit_economics.metric_sql('cost_per_success') }}
        end as forecast_value,
        budget_metric = 'cost_per_success' and successful_intents = 0 and labeled_total_cost > 0
            as has_cost_without_success
    from measured

),

final as (

    select
        {{ dbt.concat(['budget_id', "'|'", 'cast(period_start as ' ~ dbt.type_string() ~ ')']) }}
            as budget_status_id,
        budget_id,
        scope,
        scope_value,
        budget_period,
        budget_metric,
        currency,
        note,
        case
            when has_cost_without_success then 'error'
            when actual_value is null then 'no_data'
            when actual_value >= limit_amount * error_at then 'error'
            when actual_value >= limit_amount * warn_at then 'warn'
            else 'ok'
        end as status,
        case
            when has_cost_without_success then 'error'
            when forecast_value is null then 'no_data'
            when forecast_value >= limit_amount * error_at then 'error'
            when forecast_value >= limit_amount * warn_at then 'warn'
            else 'ok'
        end as forecast_status,
        limit_amount,
        warn_at,
        error_at,
        cast(limit_amount * warn_at as {{ money }}) as warn_amount,
        cast(limit_amount * error_at as {{ money }}) as error_amount,
        spend,
        labeled_total_cost,
        labeled_intents,
        successful_intents,
        cost_per_success,
        actual_value,
        forecast_value,
        {{ ai_unit_economics.ratio('actual_value', 'limit_amount') }} as used_share,
        period_days,
        elapsed_days,
        {{ ai_unit_economics.sufficient_sample() }} as is_sufficient_sample,
        is_current_period,
        period_start,
        period_end,
        evaluated_on,
        as_of_date
    from valued

)

select * from final
