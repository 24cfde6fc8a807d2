{{ config(enabled=ai_unit_economics.is_using_billing()) }}
-- Billing money is conserved (DESIGN.md §5): per bucket allocated + unallocated = billed
-- (to 1e-9 relative; exact by construction), and in total: the AI rows of the invoice that
-- converted + GPU seed lines = Σ billed over buckets = Σ allocated to calls + Σ unallocated,
-- and the daily mart's billed_cost adds up to the same.
with buckets as (

    select
        bucket_id,
        billed_cost,
        allocated_cost,
        unallocated_cost
    from {{ ref('aiue__cost_reconciliation') }}

),

per_bucket as (

    select
        {{ dbt.concat(["'bucket '", 'bucket_id']) }} as problem,
        billed_cost as expected,
        {{ ai_unit_economics.money_sum(['allocated_cost', 'unallocated_cost']) }} as actual
    from buckets
    where abs({{ ai_unit_economics.money_difference(
        ai_unit_economics.money_sum(['allocated_cost', 'unallocated_cost']), 'billed_cost') }})
        > 1e-9 * case when abs(billed_cost) > 1e-6 then abs(billed_cost) else 1e-6 end

),

totals as (

    select
        (select coalesce(sum(billed_cost), 0) from {{ ref('aiue__billing_lines') }}) as billed_in,
        (select coalesce(sum(billed_cost), 0) from buckets) as bucket_billed,
        (select coalesce(sum(allocated_cost), 0) from {{ ref('aiue__llm_calls') }}) as call_allocated,
        (select coalesce(sum(unallocated_cost), 0) from buckets) as bucket_unallocated,
        (select coalesce(sum(allocated_cost), 0) from {{ ref('aiue__intents') }}) as intent_allocated,
        (select coalesce(sum(billed_cost), 0) from {{ ref('aiue__unit_economics_daily') }}) as daily_billed,
        {%- set sources = ["(select coalesce(sum(amount), 0) from " ~ ref('int_aiue__gpu_costs_daily') ~ ")"] %}
        {%- if ai_unit_economics.is_using_focus() %}
        {%- do sources.append("(select coalesce(sum(amount), 0) from " ~ ref('int_aiue__focus_costs_converted')
            ~ " where fx_rejection_reason is null)") %}
        {%- endif %}
        {{ ai_unit_economics.money_sum(sources) }} as sources_in

),

total_problems as (

    select
        'total billed in != out' as problem,
        billed_in as expected,
        {{ ai_unit_economics.money_sum(['call_allocated', 'bucket_unallocated']) }} as actual
    from totals
    where billed_in != {{ ai_unit_economics.money_sum(['call_allocated', 'bucket_unallocated']) }}
    union all
    select 'billing lines != sources', sources_in, billed_in from totals where sources_in != billed_in
    union all
    select 'buckets != billing lines', billed_in, bucket_billed from totals where bucket_billed != billed_in
    union all
    select 'intents != calls (allocated)', call_allocated, intent_allocated from totals
    where intent_allocated != call_allocated
    union all
    select 'aiue__unit_economics_daily billed != billing lines', billed_in, daily_billed from totals
    where daily_billed != billed_in

)

select * from per_bucket
union all
select * from total_problems
