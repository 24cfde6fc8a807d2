{#- Agent runs per intent: the spans whose operation is an intent root (var
    aiue_intent_root_operations: invoke_agent, invoke_workflow, handle_conversation_turn) and
    whose parent is not one, so a sub-agent's run is counted inside its caller's, not again.
    reported_* are what the agent framework says its runs made
    (gen_ai.invoke_agent.inference_calls / .tool_calls), null when no run reported them. -#}
with roots as (

    select trace_id, span_id, parent_span_id, intent_id, reported_inference_calls, reported_tool_calls
    from {{ ref('int_aiue__spans_validated') }}
    where {{ ai_unit_economics.is_intent_root() }}
        and rejection_kind = 'not_a_call'

),

top_level_runs as (

    select roots.*
    from roots
    left join roots as parents
        on roots.trace_id = parents.trace_id
        and roots.parent_span_id = parents.span_id
    where parents.span_id is null

),

final as (

    select
        intent_id,
        count(*) as agent_runs,
        sum(reported_inference_calls) as reported_inference_calls,
        sum(reported_tool_calls) as reported_tool_calls
    from top_level_runs
    group by intent_id

)

select * from final
