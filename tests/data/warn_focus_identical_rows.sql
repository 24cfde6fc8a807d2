{{ config(severity='warn', enabled=ai_unit_economics.is_using_focus()) }}
{#- Identical FOCUS rows are two charges, and both are billed: FOCUS gives a row no identity
    (no id column before 1.3's optional ones), and providers split a charge into rows that
    can be identical. A span, in contrast, has an identity (trace_id, span_id), so a repeat is
    the same span exported twice and is rejected as duplicate_span. This test lists each
    repeated FOCUS row with the row it repeats, in the same file or in another one loaded into
    the build (an export concatenated twice, or a month-to-date export appended over the one
    before it), as a warning, so that it is seen. A file whose whole content is already
    loaded is refused before it loads (ingest/identity.py). -#}
select
    source_file,
    source_row_number,
    first_source_file as repeats_source_file,
    first_row_number as repeats_row_number
from (
    select
        source_file,
        source_row_number,
        first_value(source_file) over (
            partition by row_hash order by source_file, source_row_number
        ) as first_source_file,
        first_value(source_row_number) over (
            partition by row_hash order by source_file, source_row_number
        ) as first_row_number,
        row_number() over (
            partition by row_hash order by source_file, source_row_number
        ) as repeat_number
    from {{ ref('stg_aiue__focus_costs') }}
) as numbered
where repeat_number > 1
