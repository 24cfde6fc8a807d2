{#- Each day of each feature (x the pass-through dimensions, tenant_id by default, x currency)
    against the same weekday of the previous var aiue_anomaly_weeks weeks, for four measures:
    spend (total_cost + unallocated_cost, as budgets count it), tokens per intent, cost per
    intent and cost per success. The measures come from the re-aggregated additive sums of
    aiue__unit_economics_daily (never averaged ratios). Expected = the baseline's median; score
    = (observed - median) / (1.4826 x MAD), the modified z-score (Iglewicz & Hoaglin); when
    MAD is 0 (half the baseline equal) the spread is 1.2533 x the mean absolute deviation
    instead, and when that is 0 too (a flat baseline) there is no score and no alert. An
    anomaly needs the full baseline (else 'cold_start') and |score| > var
    aiue_anomaly_threshold; a cost per success also needs the baseline median outside the
    day's confidence interval of its cost per success (else the change is noise).
    docs/anomalies.md. -#}
{%- set weeks = var('aiue_anomaly_weeks', 4) -%}
{%- set threshold = var('aiue_anomaly_threshold', 3.5) -%}
{%- if not (weeks is number and weeks == weeks | int and weeks >= 1) -%}
  {{ exceptions.raise_compiler_error(
      "var aiue_anomaly_weeks must be a whole number of weeks of 1 or more (default 4); got "
      ~ weeks) }}
{%- endif -%}
{%- if not (threshold is number and threshold > 0) -%}
  {{ exceptions.raise_compiler_error(
      "var aiue_anomaly_threshold must be a number above 0, like 3.5; got " ~ threshold) }}
{%- endif -%}
{%- set dimensions = ai_unit_economics.passthrough_dimension_names() -%}
{%- set double = ai_unit_economics.type_double() -%}
{%- set c = ai_unit_economics.interval_constants() -%}
{%- set measures = ['spend', 'tokens_per_intent', 'cost_per_intent', 'cost_per_success'] -%}
with daily as (

    select
        date_day,
        feature_tag,{{ ai_unit_economics.passthrough_list(dimensions_only=true) }}
        currency,
        intents,
        labeled_intents,
        successful_intents,
        tokens,
        total_cost,
        unallocated_cost,
        labeled_total_cost,
        labeled_total_cost_squared,
        successful_total_cost
    from {{ ref('aiue__unit_economics_daily') }}

),

series_days as (

    select
        {{ dbt.concat(["coalesce(feature_tag, '')"] + ai_unit_economics.passthrough_key_parts()
            + ["'|'", "coalesce(currency, '')"]) }} as series_id,
        date_day,
        feature_tag,{{ ai_unit_economics.passthrough_list(dimensions_only=true) }}
        currency,
        sum(intents) as intents,
        sum(labeled_intents) as labeled_intents,
        sum(successful_intents) as successful_intents,
        sum(tokens) as tokens,
        sum(total_cost) as total_cost,
        sum(unallocated_cost) as unallocated_cost,
        sum(labeled_total_cost) as labeled_total_cost,
        sum(labeled_total_cost_squared) as labeled_total_cost_squared,
        sum(successful_total_cost) as successful_total_cost
    from daily
    group by
        date_day, feature_tag,{{ ai_unit_economics.passthrough_list(dimensions_only=true) }}
        currency

),

measured as (

    select
        *,
        cast({{ ai_unit_economics.money_sum(['total_cost', 'unallocated_cost']) }} as {{ double }})
            as spend,
        {{ ai_unit_economics.ratio('tokens', 'intents') }} as tokens_per_intent,
        {{ ai_unit_economics.metric_sql('cost_per_intent') }} as cost_per_intent,
        {{ ai_unit_economics.metric_sql('cost_per_success') }} as cost_per_success,
        {{ ai_unit_economics.metric_bound('cost_per_success', 'low', c) }} as cost_per_success_ci_low,
        {{ ai_unit_economics.metric_bound('cost_per_success', 'high', c) }} as cost_per_success_ci_high
    from series_days

),

observations as (

    {% for measure in measures -%}
    select
        series_id,
        date_day,
        '{{ measure }}' as measure,
        {{ measure }} as observed_value,
        {% if measure == 'cost_per_success' -%}
        cost_per_success_ci_low as observed_ci_low,
        cost_per_success_ci_high as observed_ci_high
        {%- else -%}
        cast(null as {{ double }}) as observed_ci_low,
        cast(null as {{ double }}) as observed_ci_high
        {%- endif %}
    from measured
    {% if not loop.last %}
    union all

    {% endif -%}
    {% endfor %}
),

baseline_values as (

    select
        observations.series_id,
        observations.date_day,
        observations.measure,
        baseline.observed_value as baseline_value
    from observations
    inner join observations as baseline
        on baseline.series_id = observations.series_id
        and baseline.measure = observations.measure
        and baseline.date_day in (
            {%- for weeks_back in range(1, weeks + 1) %}
            cast({{ dbt.dateadd('day', -7 * weeks_back, 'observations.date_day') }} as date){{ ',' if not loop.last }}
            {%- endfor %}
        )
    where baseline.observed_value is not null

),

baseline_ranked as (

    select
        *,
        {{ ai_unit_economics.rank_columns('baseline_value', ['series_id', 'date_day', 'measure']) }}
    from baseline_values

),

baselines as (

    select
        series_id,
        date_day,
        measure,
        count(*) as baseline_weeks,
        {{ ai_unit_economics.ranked_median('baseline_value') }} as baseline_median
    from baseline_ranked
    group by series_id, date_day, measure

),

deviations as (

    select
        baseline_values.series_id,
        baseline_values.date_day,
        baseline_values.measure,
        abs(baseline_values.baseline_value - baselines.baseline_median) as absolute_deviation
    from baseline_values
    inner join baselines
        on baseline_values.series_id = baselines.series_id
        and baseline_values.date_day = baselines.date_day
        and baseline_values.measure = baselines.measure

),

deviation_ranked as (

    select
        *,
        {{ ai_unit_economics.rank_columns('absolute_deviation', ['series_id', 'date_day', 'measure']) }}
    from deviations

),

spreads as (

    select
        series_id,
        date_day,
        measure,
        {{ ai_unit_economics.ranked_median('absolute_deviation') }} as median_absolute_deviation,
        avg(absolute_deviation) as mean_absolute_deviation
    from deviation_ranked
    group by series_id, date_day, measure

),

scored as (

    select
        observations.series_id,
        observations.date_day,
        observations.measure,
        observations.observed_value,
        observations.observed_ci_low,
        observations.observed_ci_high,
        coalesce(baselines.baseline_weeks, 0) as baseline_weeks,
        baselines.baseline_median as expected_value,
        spreads.median_absolute_deviation,
        case
            when spreads.median_absolute_deviation > 0 then 1.4826 * spreads.median_absolute_deviation
            when spreads.mean_absolute_deviation > 0 then 1.2533 * spreads.mean_absolute_deviation
        end as baseline_spread
    from observations
    left join baselines
        on observations.series_id = baselines.series_id
        and observations.date_day = baselines.date_day
        and observations.measure = baselines.measure
    left join spreads
        on observations.series_id = spreads.series_id
        and observations.date_day = spreads.date_day
        and observations.measure = spreads.measure

),

judged as (

    select
        *,
        case
            when observed_value is null then 'no_value'
            when baseline_weeks < {{ weeks }} then 'cold_start'
            when baseline_spread is null then 'no_spread'
            else 'ready'
        end as baseline_state,
        case
            when baseline_weeks >= {{ weeks }} then (observed_value - expected_value) / baseline_spread
        end as score,
        case
            when measure = 'cost_per_success'
                then coalesce(expected_value < observed_ci_low, false)
                    or coalesce(expected_value > observed_ci_high, false)
        end as is_outside_interval
    from scored

),

final as (

    select
        {{ dbt.concat(['cast(judged.date_day as ' ~ dbt.type_string() ~ ')', "'|'", 'judged.series_id',
            "'|'", 'judged.measure']) }} as anomaly_id,
        judged.measure,
        measured.feature_tag,{{ ai_unit_economics.passthrough_list(prefix='measured.', dimensions_only=true) }}
        measured.currency,
        judged.baseline_state,
        judged.observed_value,
        judged.expected_value,
        judged.median_absolute_deviation,
        judged.baseline_spread,
        judged.score,
        judged.observed_ci_low,
        judged.observed_ci_high,
        judged.baseline_weeks,
        measured.intents,
        measured.labeled_intents,
        measured.successful_intents,
        coalesce(abs(judged.score) > {{ threshold }}, false) as is_outside_band,
        judged.is_outside_interval,
        coalesce(abs(judged.score) > {{ threshold }}, false)
            and coalesce(judged.is_outside_interval, true) as is_anomaly,
        judged.date_day
    from judged
    inner join measured
        on judged.series_id = measured.series_id
        and judged.date_day = measured.date_day

)

select * from final
