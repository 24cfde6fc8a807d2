{#- A median every engine computes identically: the middle value of the sorted values, or the
    mean of the two middle ones, picked by rank (no percentile function: DuckDB, Postgres and
    Spark interpolate, approximate or order ties differently). Two steps, as a median is an
    aggregate over ranked rows:
      median_ranks(value, partition_by)  window columns <value>_rank and <value>_count
      ranked_median(value)               the aggregate over those rows, grouped by partition_by
    With count n, the middle ranks r are those with n <= 2r <= n + 2: r = (n + 1) / 2 for an
    odd n, n / 2 and n / 2 + 1 for an even one; (min + max) / 2 of them is exact for one and
    the same for any order of the two. -#}
{% macro median_ranks(value, partition_by) -%}
    row_number() over (partition by {{ partition_by | join(', ') }} order by {{ value }}) as {{ value }}_rank,
    count({{ value }}) over (partition by {{ partition_by | join(', ') }}) as {{ value }}_count
{%- endmacro %}

{% macro ranked_median(value) -%}
    {%- set middle = '2 * ' ~ value ~ '_rank between ' ~ value ~ '_count and ' ~ value ~ '_count + 2' -%}
    (min(case when {{ middle }} then {{ value }} end) + max(case when {{ middle }} then {{ value }} end)) / 2
{%- endmacro %}
