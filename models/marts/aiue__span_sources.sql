{#- One row per span layout read (var aiue_spans_layout): how many rows came in, how many are
    calls, valid spans that are not calls, and invalid rows. The test
    assert_span_sources_usable fails the build when a layout with rows yields no calls, when
    more than var aiue_max_invalid_share of its rows are invalid, or when no layout yields
    any call. -#}
{%- set layouts = ai_unit_economics.spans_layouts() -%}

with layouts as (

    {% for layout in layouts -%}
    select '{{ layout }}' as source_layout
    {{ 'union all' if not loop.last }}
    {% endfor %}

),

spans as (

    select
        source_layout,
        source_file,
        rejection_kind,
        is_operation_inferred
    from {{ ref('int_aiue__spans_validated') }}

),

counted as (

    select
        source_layout,
        count(distinct source_file) as source_files,
        count(*) as span_rows,
        sum(case when rejection_kind is null then 1 else 0 end) as call_rows,
        sum(case when rejection_kind is null and is_operation_inferred then 1 else 0 end)
            as inferred_call_rows,
        sum(case when rejection_kind = 'not_a_call' then 1 else 0 end) as non_call_rows,
        sum(case when rejection_kind = 'invalid' then 1 else 0 end) as invalid_rows
    from spans
    group by source_layout

),

final as (

    select
        layouts.source_layout,
        coalesce(counted.source_files, 0) as source_files,
        coalesce(counted.span_rows, 0) as span_rows,
        coalesce(counted.call_rows, 0) as call_rows,
        coalesce(counted.inferred_call_rows, 0) as inferred_call_rows,
        coalesce(counted.non_call_rows, 0) as non_call_rows,
        coalesce(counted.invalid_rows, 0) as invalid_rows,
        cast(coalesce(counted.invalid_rows, 0) as {{ ai_unit_economics.type_double() }})
            / nullif(coalesce(counted.span_rows, 0), 0) as invalid_share,
        coalesce(counted.span_rows, 0) = 0
            or (
                coalesce(counted.call_rows, 0) > 0
                and coalesce(counted.invalid_rows, 0)
                    <= {{ var('aiue_max_invalid_share', 0.5) }} * counted.span_rows
            ) as is_usable
    from layouts
    left join counted
        on layouts.source_layout = counted.source_layout

)

select * from final
