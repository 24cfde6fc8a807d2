{#- Every staged span, of whatever layout, with the first reason it cannot be a call (null
    when it can): rejection_rule names the check, rejection_reason says it with the value.
    'invalid' rows are bad input; 'not_a_call' rows (agent, workflow, HTTP spans) are valid
    but not model or tool calls (agent spans repeat their children's tokens, so counting them
    would double count). A span with no operation name but a model and token counts, and no
    child span with token counts, is taken as a chat call (is_operation_inferred; var
    aiue_infer_call_operation). A span with neither an intent id nor a conversation id takes
    the conversation of its trace's intent root (var aiue_intent_root_operations:
    invoke_agent, invoke_workflow, handle_conversation_turn), as frameworks put the
    conversation on the turn or agent span and not on each model call under it. -#}
{%- set counts = ai_unit_economics.span_count_columns() -%}
{#- What later models read: parsed values, and the raw text of the parsed ones (for the
    rejection listing). -#}
{%- set kept_columns = ['trace_id', 'span_id', 'parent_span_id', 'intent_id', 'conversation_id',
    'response_id', 'user_id', 'span_name', 'service_name', 'provider_name', 'request_model',
    'response_model', 'operation_name', 'status_code', 'error_type', 'tool_name', 'feature_tag',
    'prompt_version', 'prompt_name', 'reasoning_level'] + ai_unit_economics.passthrough_column_names()
    + ['reported_cost_currency', 'reported_cost_source']
    + counts + ['reported_cost', 'started_at',
    'ended_at', 'is_intent_id_inferred', 'is_operation_inferred', 'source_layout',
    'source_row_number', 'source_file'] -%}
{%- set raw_columns = ['status_code', 'start_time', 'end_time', 'reported_cost'] + counts -%}
{%- set call_operations = var('aiue_inference_operations') + var('aiue_tool_operations') -%}
{#- The checks, in order: the first that holds rejects the span. -#}
{%- set checks = [
    ('span_id_missing', 'span_id is null', "'span_id is missing'"),
    ('trace_id_missing', 'trace_id is null', "'trace_id is missing'"),
    ('start_time_missing', 'started_at is null and raw_start_time is null', "'start_time is missing'"),
    ('start_time_unreadable', 'started_at is null',
        dbt.concat(["'start_time is not an ISO-8601 timestamp or epoch number: '", 'raw_start_time'])),
    ('end_time_unreadable', 'raw_end_time is not null and ended_at is null',
        dbt.concat(["'end_time is not an ISO-8601 timestamp or epoch number: '", 'raw_end_time'])),
    ('end_time_before_start', 'ended_at < started_at',
        dbt.concat(["'end_time is before start_time: '", 'raw_end_time'])),
    ('status_code_unreadable', 'status_code is null',
        dbt.concat(["'status_code is not OK, ERROR, UNSET or 0/1/2: '", 'raw_status_code'])),
] -%}
{%- for column in counts -%}
  {%- do checks.append((column ~ '_not_a_count', 'raw_' ~ column ~ ' is not null and ' ~ column ~ ' is null',
      dbt.concat(["'" ~ column ~ " is not a non-negative whole number: '", 'raw_' ~ column]))) -%}
{%- endfor -%}
{%- do checks.extend([
    ('reported_cost_unreadable', 'raw_reported_cost is not null and reported_cost is null',
        dbt.concat(["'reported_cost is not a number, or is out of range: '", 'raw_reported_cost'])),
    ('reported_cost_negative', 'reported_cost < 0',
        dbt.concat(["'reported_cost is negative: '", 'raw_reported_cost'])),
    ('cached_exceeds_input',
        'coalesce(cache_read_input_tokens, 0) + coalesce(cache_creation_input_tokens, 0) > coalesce(input_tokens, 0)',
        "'cache_read_input_tokens + cache_creation_input_tokens exceed input_tokens (input_tokens must include cached input, as OTel defines it)'"),
    ('reasoning_exceeds_output', 'coalesce(reasoning_output_tokens, 0) > coalesce(output_tokens, 0)',
        "'reasoning_output_tokens exceed output_tokens (output_tokens must include reasoning)'"),
    ('modality_exceeds_input',
        ai_unit_economics.modality_sum('input') ~ ' > coalesce(input_tokens, 0)',
        dbt.concat(["'" ~ ai_unit_economics.modality_token_columns('input') | join(' + ') ~ " exceed input_tokens ('",
            'cast(' ~ ai_unit_economics.modality_sum('input') ~ ' as ' ~ dbt.type_string() ~ ')', "' > '",
            "coalesce(cast(input_tokens as " ~ dbt.type_string() ~ "), '0')",
            "'): per-modality counts are parts of input_tokens, not added to it'"])),
    ('modality_exceeds_output',
        ai_unit_economics.modality_sum('output') ~ ' > coalesce(output_tokens, 0)',
        dbt.concat(["'" ~ ai_unit_economics.modality_token_columns('output') | join(' + ') ~ " exceed output_tokens ('",
            'cast(' ~ ai_unit_economics.modality_sum('output') ~ ' as ' ~ dbt.type_string() ~ ')', "' > '",
            "coalesce(cast(output_tokens as " ~ dbt.type_string() ~ "), '0')",
            "'): per-modality counts are parts of output_tokens, not added to it'"])),
    ('duplicate_span', 'occurrence > 1',
        "'duplicate span: this trace_id and span_id appeared earlier in the input'"),
    ('not_a_call',
        'operation_name is null or operation_name not in ' ~ ai_unit_economics.sql_string_list(call_operations),
        dbt.concat(["'not a call span (operation '", "coalesce(operation_name, 'unknown')", "'): agent, workflow, conversation turn and other spans are not model or tool calls'"])),
]) -%}

{{ config(
    materialized=ai_unit_economics.incremental_materialization(),
    incremental_strategy='delete+insert',
    unique_key=ai_unit_economics.span_day('started_at'),
) }}

{%- set inlined = ai_unit_economics.cte_inlined() %}
{#- Each step below reads the span set afresh (inlined), taking only the columns it needs:
    held whole as one CTE, the parsed span set of a full build did not fit in memory. -#}
with staged as {{ inlined }} (

    select * from {{ ref('int_aiue__spans_parsed') }}

),

{% if is_incremental() -%}
{#- Whole days: duplicates and a span's children are looked for within its day. -#}
recomputed_days as (

    {{ ai_unit_economics.touched_days('staged', ai_unit_economics.span_day('started_at')) }}

),

{#- The recomputed days only: held once, not re-read for each step. -#}
spans as (

    select staged.*
    from staged
    inner join recomputed_days
        on {{ ai_unit_economics.span_day('staged.started_at') }} = recomputed_days.recomputed_day

),
{%- else -%}
spans as {{ inlined }} (

    select * from staged

),
{%- endif %}

{#- Spans that could be a call by their content but name no operation: calls unless a child
    span has token counts (then they are a parent repeating their children's totals). -#}
operation_candidates as (

    select trace_id, span_id
    from spans
    where {{ 'true' if var('aiue_infer_call_operation', true) else 'false' }}
        and operation_name is null
        and coalesce(response_model, request_model) is not null
        and coalesce(input_tokens, output_tokens) is not null

),

inferred_calls as (

    select
        operation_candidates.trace_id,
        operation_candidates.span_id
    from operation_candidates
    left join spans as children
        on children.trace_id = operation_candidates.trace_id
        and children.parent_span_id = operation_candidates.span_id
    group by operation_candidates.trace_id, operation_candidates.span_id
    having max(case when coalesce(children.input_tokens, children.output_tokens) is not null then 1 else 0 end) = 0

),

{#- The conversation of each trace's intent roots, when they name exactly one. -#}
root_conversations as (

    select
        trace_id,
        min(conversation_id) as root_conversation_id
    from spans
    where {{ ai_unit_economics.is_intent_root() }}
        and conversation_id is not null
    group by trace_id
    having count(distinct conversation_id) = 1

),

{#- Duplicates are rare: counting each key once is a hash aggregate, whereas numbering every
    row would sort all spans with every column (the slowest step at 10M spans). Only the
    duplicated keys' rows are numbered. -#}
duplicate_keys as (

    select trace_id, span_id
    from spans
    group by trace_id, span_id
    having count(*) > 1

),

numbered as (

    select
        spans.*,
        1 as occurrence
    from spans
    left join duplicate_keys
        on spans.trace_id = duplicate_keys.trace_id
        and spans.span_id = duplicate_keys.span_id
    where duplicate_keys.span_id is null

    union all

    select
        spans.*,
        row_number() over (
            partition by spans.trace_id, spans.span_id
            order by spans.source_file nulls last, spans.source_row_number nulls last,
                spans.started_at, spans.ended_at nulls last, spans.response_id nulls last
        ) as occurrence
    from spans
    inner join duplicate_keys
        on spans.trace_id = duplicate_keys.trace_id
        and spans.span_id = duplicate_keys.span_id

),

columns as (

    select
        numbered.trace_id,
        numbered.span_id,
        parent_span_id,
        case
            when is_intent_id_inferred and numbered.conversation_id is null
                then coalesce(root_conversations.root_conversation_id, intent_id)
            else intent_id
        end as intent_id,
        coalesce(numbered.conversation_id, root_conversations.root_conversation_id) as conversation_id,
        response_id,
        user_id,
        span_name,
        service_name,
        provider_name,
        request_model,
        response_model,
        case when inferred_calls.span_id is not null then 'chat' else operation_name end as operation_name,
        status_code,
        error_type,
        tool_name,
        feature_tag,
        prompt_version,
        prompt_name,
        reasoning_level,{{ ai_unit_economics.passthrough_list() }}
        reported_cost_currency,
        reported_cost_source,
        {% for column in counts -%}
        {{ column }},
        {% endfor -%}
        reported_cost,
        started_at,
        ended_at,
        is_intent_id_inferred,
        inferred_calls.span_id is not null as is_operation_inferred,
        source_layout,
        source_row_number,
        source_file,
        {% for column in raw_columns -%}
        raw_{{ column }},
        {% endfor -%}
        occurrence
    from numbered
    left join inferred_calls
        on numbered.trace_id = inferred_calls.trace_id
        and numbered.span_id = inferred_calls.span_id
        and numbered.operation_name is null
    left join root_conversations
        on numbered.trace_id = root_conversations.trace_id

),

{#- The rule first; the reason (text) only for the rows a rule rejects. -#}
checked as (

    select
        *,
        case
            {%- for rule, condition, message in checks %}
            when {{ condition }} then '{{ rule }}'
            {%- endfor %}
        end as rejection_rule
    from columns

),

final as (

    select
        {% for column in kept_columns -%}
        {{ column }},
        {% endfor -%}
        {#- The given text, for the rejection listing only (a typed value that was valid has
            no text: its value as text). -#}
        {% for column in raw_columns -%}
        {%- set parsed = {'start_time': 'started_at', 'end_time': none, 'status_code': none}.get(column, column) -%}
        case when rejection_rule is not null then
            {%- if parsed %} coalesce(raw_{{ column }}, cast({{ parsed }} as {{ dbt.type_string() }}))
            {%- else %} raw_{{ column }}{% endif %} end as raw_{{ column }},
        {% endfor -%}
        rejection_rule,
        case
            when rejection_rule is null then null
            {%- for rule, condition, message in checks %}
            when rejection_rule = '{{ rule }}' then {{ message }}
            {%- endfor %}
        end as rejection_reason,
        case
            when rejection_rule is null then null
            when rejection_rule = 'not_a_call' then 'not_a_call'
            else 'invalid'
        end as rejection_kind,
        operation_name in {{ ai_unit_economics.sql_string_list(var('aiue_inference_operations')) }} as is_inference,
        operation_name in {{ ai_unit_economics.sql_string_list(var('aiue_tool_operations')) }} as is_tool
    from checked

)

select * from final
