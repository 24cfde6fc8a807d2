-- Every staged span is in fct_llm_calls or in rejected_spans: nothing dropped, nothing doubled.
with counts as (
    select
        (select count(*) from {{ ref('stg_aiue__otel_spans') }}) as spans_in,
        (select count(*) from {{ ref('fct_llm_calls') }}) as calls_out,
        (select count(*) from {{ ref('rejected_spans') }}) as rejected_out
)
select *
from counts
where spans_in != calls_out + rejected_out
