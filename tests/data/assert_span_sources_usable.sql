-- Fails loudly instead of an empty green build: a span layout with rows that yields no
-- calls, or with more than var aiue_max_invalid_share of its rows invalid, or no call at all
-- (see aiue__rejected_spans for the reasons, aiue__span_sources for the counts).
with sources as (

    select * from {{ ref('aiue__span_sources') }}

),

totals as (

    select
        sum(span_rows) as span_rows,
        sum(call_rows) as call_rows
    from sources

)

select
    source_layout,
    span_rows,
    call_rows,
    invalid_rows,
    case
        when call_rows = 0 then 'no calls in this layout''s rows'
        else 'more invalid rows than var aiue_max_invalid_share allows'
    end as problem
from sources
where not is_usable

union all

select
    'every layout' as source_layout,
    span_rows,
    call_rows,
    0 as invalid_rows,
    'no calls at all: nothing to cost' as problem
from totals
where coalesce(call_rows, 0) = 0
