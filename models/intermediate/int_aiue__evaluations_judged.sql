{#- Every gen_ai.evaluation.result span event (OTel evaluation events, Langfuse scores), one
    row per event, judged against aiue_success_criteria:
      - its intent is the intent of the span it judges; a trace-level result (no span, a
        Langfuse trace score) takes its trace's intent when the trace has only one;
      - the criteria row is the one that holds on the intent's day for its feature, the
        evaluation's name and its evaluator type (gen_ai.evaluation.evaluator.type: llm_judge,
        deterministic, human; '*' matches anything, a result without a type only '*'; exact
        beats '*'), so a row can make only a judge's, or only humans', results count;
      - a result with a label is a success when the label is in the row's success_labels (when
        the row lists labels); else a result with a score is a success when the score is at
        least the row's min_score.
    rejection_reason says why a result is no outcome label (no intent, no criteria row, a score
    that is not a number, nothing the row can judge); int_aiue__outcomes_ranked ranks the rest
    beside outcomes.csv, which wins. -#}
with events as (

    select
        trace_id,
        span_id,
        event_index,
        event_at,
        attribute_key,
        attribute_value,
        source_file,
        source_row_number
    from {{ ref('int_aiue__span_events_parsed') }}
    where event_name = 'gen_ai.evaluation.result'

),

results as (

    select
        trace_id,
        span_id,
        event_index,
        source_file,
        max(case when attribute_key = 'gen_ai.evaluation.name' then attribute_value end)
            as evaluation_name,
        max(case when attribute_key = 'gen_ai.evaluation.score.label' then attribute_value end)
            as score_label,
        max(case when attribute_key = 'gen_ai.evaluation.score.value' then attribute_value end)
            as raw_score_value,
        max(case when attribute_key = 'gen_ai.evaluation.evaluator.type' then lower(attribute_value) end)
            as evaluator_type,
        max(case when attribute_key = 'gen_ai.evaluation.evaluator.id' then attribute_value end)
            as evaluator_id,
        min(event_at) as evaluated_at,
        min(source_row_number) as source_row_number
    from events
    group by trace_id, span_id, event_index, source_file

),

evaluated_traces as (

    select distinct trace_id
    from results

),

{#- only the spans of evaluated traces: without evaluation events this reads nothing -#}
spans as (

    select spans_validated.trace_id, spans_validated.span_id, spans_validated.intent_id
    from {{ ref('int_aiue__spans_validated') }} as spans_validated
    inner join evaluated_traces
        on spans_validated.trace_id = evaluated_traces.trace_id
    where spans_validated.intent_id is not null

),

span_intents as (

    select trace_id, span_id, min(intent_id) as intent_id
    from spans
    where span_id is not null
    group by trace_id, span_id

),

trace_intents as (

    select
        trace_id,
        min(intent_id) as intent_id,
        count(distinct intent_id) as intent_count
    from spans
    group by trace_id

),

intents as (

    select
        intent_id,
        coalesce(feature_tag, '') as rate_feature_tag,
        intent_date
    from {{ ref('int_aiue__intents_aggregated') }}

),

located as (

    select
        results.trace_id,
        results.span_id,
        results.event_index,
        results.source_file,
        results.evaluation_name,
        results.evaluator_type,
        results.evaluator_id,
        results.score_label,
        results.raw_score_value,
        {{ ai_unit_economics.parse_amount('results.raw_score_value') }} as score_value,
        results.evaluated_at,
        results.source_row_number,
        coalesce(
            span_intents.intent_id,
            case when trace_intents.intent_count = 1 then trace_intents.intent_id end
        ) as intent_id,
        trace_intents.intent_count as trace_intent_count
    from results
    left join span_intents
        on results.trace_id = span_intents.trace_id
        and results.span_id = span_intents.span_id
    left join trace_intents
        on results.trace_id = trace_intents.trace_id

),

with_intents as (

    select
        located.*,
        coalesce(located.evaluator_type, '') as rate_evaluator_type,
        intents.rate_feature_tag,
        intents.intent_date
    from located
    left join intents
        on located.intent_id = intents.intent_id

),

criteria as (

    select
        feature_tag as rate_feature_tag,
        evaluation_name,
        coalesce(evaluator_type, '*') as rate_evaluator_type,
        valid_from,
        valid_to,
        success_labels,
        min_score
    from {{ ref('stg_aiue__seed_success_criteria') }}
    where feature_tag is not null and evaluation_name is not null

),

criteria_keys as (

    select distinct rate_feature_tag, evaluation_name, rate_evaluator_type, intent_date
    from with_intents
    where intent_date is not null and evaluation_name is not null

),

matched_criteria as (

    {{ ai_unit_economics.effective_dated_match(
        'criteria_keys', 'criteria', ['rate_feature_tag', 'evaluation_name', 'rate_evaluator_type'],
        'intent_date',
        ['success_labels', 'min_score']) }}

),

judged as (

    select
        with_intents.*,
        matched_criteria.intent_date is not null as has_criteria,
        case
            when with_intents.score_label is not null and matched_criteria.success_labels is not null
                then {{ dbt.position(
                    dbt.concat(["'|'", 'lower(with_intents.score_label)', "'|'"]),
                    dbt.concat(["'|'", 'matched_criteria.success_labels', "'|'"])) }} > 0
            when with_intents.score_value is not null and matched_criteria.min_score is not null
                then with_intents.score_value >= matched_criteria.min_score
        end as is_success
    from with_intents
    left join matched_criteria
        on with_intents.rate_feature_tag = matched_criteria.rate_feature_tag
        and with_intents.evaluation_name = matched_criteria.evaluation_name
        and with_intents.rate_evaluator_type = matched_criteria.rate_evaluator_type
        and with_intents.intent_date = matched_criteria.intent_date

),

final as (

    select
        intent_id,
        trace_id,
        span_id,
        event_index,
        evaluation_name,
        evaluator_type,
        evaluator_id,
        score_label,
        score_value,
        raw_score_value,
        is_success,
        case
            when evaluation_name is null
                then 'a gen_ai.evaluation.result event without gen_ai.evaluation.name'
            when intent_id is null and span_id is null and trace_intent_count > 1
                then {{ dbt.concat([
                    "'a trace-level evaluation of a trace with '",
                    'cast(trace_intent_count as ' ~ dbt.type_string() ~ ')',
                    "' intents: give the span it judges'"]) }}
            when intent_id is null
                then 'no span of this trace_id and span_id in the telemetry: the evaluation has no intent'
            when intent_date is null
                then 'no calls for this intent_id: the label has nothing to cost'
            when raw_score_value is not null and score_value is null
                then {{ dbt.concat(["'gen_ai.evaluation.score.value is not a number: '", 'raw_score_value']) }}
            when not has_criteria
                then {{ dbt.concat([
                    "'no aiue_success_criteria row holds for feature '",
                    "coalesce(nullif(rate_feature_tag, ''), '(none)')", "', evaluation '",
                    'evaluation_name', "' and evaluator type '", "coalesce(nullif(rate_evaluator_type, ''), '(none)')",
                    "' on '", 'cast(intent_date as ' ~ dbt.type_string() ~ ')']) }}
            when is_success is null
                then {{ dbt.concat([
                    "'evaluation '", 'evaluation_name',
                    "' has no label or score that its aiue_success_criteria row judges'"]) }}
        end as rejection_reason,
        evaluated_at,
        source_file,
        source_row_number
    from judged

)

select * from final
