{{ config(enabled=ai_unit_economics.is_using_focus()) }}
-- Every staged FOCUS row is counted once in aiue__billing_scope_summary (AI cost, not AI, or
-- rejected), and every rejected one is in aiue__rejected_focus_costs: no row dropped silently.
with counts as (
    select
        (select count(*) from {{ ref('stg_aiue__focus_costs') }}) as rows_in,
        (select coalesce(sum(focus_rows), 0) from {{ ref('aiue__billing_scope_summary') }}) as rows_counted,
        (select coalesce(sum(focus_rows), 0) from {{ ref('aiue__billing_scope_summary') }}
            where scope_status = 'rejected') as rows_rejected,
        (select count(*) from {{ ref('aiue__rejected_focus_costs') }}) as rejected_out,
        (select coalesce(sum(focus_rows), 0) from {{ ref('aiue__billing_scope_summary') }}
            where scope_status = 'ai_cost') as ai_rows,
        (select count(*) from {{ ref('aiue__billing_lines') }} where billing_source = 'focus') as ai_lines
)
select *
from counts
where rows_in != rows_counted
   or rows_rejected != rejected_out
   or ai_rows != ai_lines
