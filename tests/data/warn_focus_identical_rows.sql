{{ config(severity='warn') }}
{#- Identical FOCUS rows are two charges, and both are billed: FOCUS gives a row no identity
    (no id column before 1.3's optional ones), and providers split a charge into rows that
    can be identical. A span, in contrast, has an identity (trace_id, span_id), so a repeat is
    the same span exported twice and is rejected as duplicate_span. This test lists each
    repeated FOCUS row with the row it repeats, as a warning, so a billing file exported or
    concatenated twice is seen. -#}
select
    source_file,
    source_row_number,
    first_row_number as repeats_row_number
from (
    select
        source_file,
        source_row_number,
        min(source_row_number) over (partition by source_file, row_hash) as first_row_number
    from {{ ref('stg_aiue__focus_costs') }}
) as numbered
where source_row_number > first_row_number
