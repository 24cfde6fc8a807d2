-- Every staged span is in aiue__llm_calls or in aiue__rejected_spans: nothing dropped, nothing doubled.
with counts as (
    select
        (select count(*) from {{ ref('int_aiue__spans_parsed') }}) as spans_in,
        (select count(*) from {{ ref('aiue__llm_calls') }}) as calls_out,
        (select count(*) from {{ ref('aiue__rejected_spans') }}) as rejected_out
)
select *
from counts
where spans_in != calls_out + rejected_out
