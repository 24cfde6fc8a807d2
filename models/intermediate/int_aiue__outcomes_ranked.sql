{#- Every staged outcome label with why it does not count (null for the label that does:
    the latest valid label of its intent). Orphan labels are found in aiue__rejected_outcomes. -#}
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

ranked as (

    select
        *,
        case
            when invalid_reason is null
                then row_number() over (
                    partition by intent_id, case when invalid_reason is null then 1 else 0 end
                    order by labeled_at desc nulls last, source_row_number desc nulls last,
                        signal nulls last, is_success, is_escalated, is_human_reviewed
                )
        end as label_rank
    from checked

),

final as (

    select
        *,
        case
            when invalid_reason is not null then invalid_reason
            when label_rank > 1 then 'superseded by a later label for the same intent'
        end as rejection_reason
    from ranked

)

select * from final
