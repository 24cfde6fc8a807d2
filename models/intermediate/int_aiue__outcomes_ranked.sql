{#- Every outcome label with why it does not count (null for the label that does). Labels come
    from outcomes.csv (label_source 'outcomes') and from evaluation results judged against
    aiue_success_criteria (label_source 'evaluation', int_aiue__evaluations_judged). Per
    intent, a valid outcomes.csv label wins over every evaluation result; among labels of one
    source the latest wins, and on a tie on labeled_at the more costly label (a failure, then
    escalated, then human-reviewed), so file order never decides a number. Orphan labels are found in aiue__rejected_outcomes. -#}
with outcomes as (

    select * from {{ ref('stg_aiue__app_outcomes') }}

),

checked as (

    select
        *,
        case
            when intent_id is null then 'intent_id is missing'
            when raw_is_success is null then 'is_success is missing'
            when is_success is null
                then {{ dbt.concat(["'is_success is not true/false/1/0/yes/no: '", 'raw_is_success']) }}
            when raw_is_escalated is not null and is_escalated is null
                then {{ dbt.concat(["'is_escalated is not true/false/1/0/yes/no: '", 'raw_is_escalated']) }}
            when raw_is_human_reviewed is not null and is_human_reviewed is null
                then {{ dbt.concat(["'is_human_reviewed is not true/false/1/0/yes/no: '", 'raw_is_human_reviewed']) }}
            when raw_labeled_at is not null and labeled_at is null
                then {{ dbt.concat(["'labeled_at is not an ISO-8601 UTC timestamp: '", 'raw_labeled_at']) }}
        end as invalid_reason
    from outcomes

),

app_labels as (

    select
        intent_id,
        'outcomes' as label_source,
        signal,
        escalation_channel,
        cast(null as {{ dbt.type_string() }}) as evaluation_name,
        cast(null as {{ dbt.type_string() }}) as evaluator_type,
        cast(null as {{ dbt.type_string() }}) as evaluation_score_label,
        cast(null as {{ ai_unit_economics.type_money() }}) as evaluation_score_value,
        is_success,
        is_escalated,
        is_human_reviewed,
        cast(null as {{ dbt.type_bigint() }}) as event_index,
        raw_is_success,
        raw_is_escalated,
        raw_is_human_reviewed,
        raw_labeled_at,
        invalid_reason,
        labeled_at,
        source_file,
        source_row_number
    from checked

),

evaluation_labels as (

    select
        intent_id,
        'evaluation' as label_source,
        'evaluator' as signal,
        cast(null as {{ dbt.type_string() }}) as escalation_channel,
        evaluation_name,
        evaluator_type,
        score_label as evaluation_score_label,
        cast(score_value as {{ ai_unit_economics.type_money() }}) as evaluation_score_value,
        is_success,
        false as is_escalated,
        false as is_human_reviewed,
        cast(event_index as {{ dbt.type_bigint() }}) as event_index,
        cast(null as {{ dbt.type_string() }}) as raw_is_success,
        cast(null as {{ dbt.type_string() }}) as raw_is_escalated,
        cast(null as {{ dbt.type_string() }}) as raw_is_human_reviewed,
        cast(null as {{ dbt.type_string() }}) as raw_labeled_at,
        rejection_reason as invalid_reason,
        evaluated_at as labeled_at,
        source_file,
        source_row_number
    from {{ ref('int_aiue__evaluations_judged') }}

),

labels as (

    select * from app_labels
    union all
    select * from evaluation_labels

),

ranked as (

    select
        *,
        case
            when invalid_reason is null
                then row_number() over (
                    partition by intent_id, case when invalid_reason is null then 1 else 0 end
                    order by case when label_source = 'outcomes' then 0 else 1 end,
                        labeled_at desc nulls last,
                        {#- a tie on labeled_at: the more costly label wins (a failure, then
                            escalated, then reviewed), never file order -#}
                        is_success, is_escalated desc, is_human_reviewed desc,
                        signal nulls last, source_row_number desc nulls last,
                        event_index desc nulls last
                )
        end as label_rank,
        max(case when invalid_reason is null and label_source = 'outcomes' then 1 else 0 end)
            over (partition by intent_id) as has_app_label,
        case
            when invalid_reason is null
                then count(*) over (
                    partition by intent_id, label_source, labeled_at,
                        case when invalid_reason is null then 1 else 0 end)
        end as labels_at_same_time,
        case
            when invalid_reason is null
                then max(labeled_at) over (
                    partition by intent_id, label_source,
                        case when invalid_reason is null then 1 else 0 end)
        end as latest_labeled_at
    from labels

),

final as (

    select
        intent_id,
        label_source,
        signal,
        escalation_channel,
        evaluation_name,
        evaluator_type,
        evaluation_score_label,
        evaluation_score_value,
        is_success,
        is_escalated,
        is_human_reviewed,
        case
            when invalid_reason is not null then invalid_reason
            when label_rank > 1 and label_source = 'evaluation' and has_app_label = 1
                then 'superseded by outcomes.csv: a label of the app wins over evaluation results'
            when label_rank > 1 and labels_at_same_time > 1 and labeled_at = latest_labeled_at
                then 'superseded: another label of this intent has the same labeled_at, and on a tie the costlier label wins (a failure, then escalated, then human-reviewed)'
            when label_rank > 1 then 'superseded by a later label for the same intent'
        end as rejection_reason,
        raw_is_success,
        raw_is_escalated,
        raw_is_human_reviewed,
        raw_labeled_at,
        labeled_at,
        source_file,
        source_row_number
    from ranked

)

select * from final
