with outcomes as (

    select * from {{ ref('int_aiue__outcomes_ranked') }}

),

intents as (

    select intent_id from {{ ref('int_aiue__intents_aggregated') }}

),

with_reasons as (

    select
        outcomes.*,
        case
            when outcomes.rejection_reason is not null then outcomes.rejection_reason
            when intents.intent_id is null then 'no calls for this intent_id: the label has nothing to cost'
        end as final_rejection_reason
    from outcomes
    left join intents
        on outcomes.intent_id = intents.intent_id

),

final as (

    select
        intent_id,
        final_rejection_reason as rejection_reason,
        label_source,
        signal,
        escalation_channel,
        evaluation_name,
        evaluator_type,
        evaluation_score_label,
        evaluation_score_value,
        raw_is_success,
        raw_is_escalated,
        raw_is_human_reviewed,
        raw_labeled_at,
        source_file,
        source_row_number
    from with_reasons
    where final_rejection_reason is not null

)

select * from final
