{#- Medians and percentiles that every engine computes identically, picked by integer rank (no
    percentile function: DuckDB, Postgres and Spark interpolate, approximate, order ties or pick
    ranks differently, and float rounding of p * n can move a rank). Two steps, as they are
    aggregates over ranked rows:
      rank_columns(value, partition_by[, tie_breaker])  window columns <value>_rank, <value>_count
      percentile_disc(percent, value) / ranked_median(value)
                                        the aggregate over those rows, grouped by partition_by -#}
{% macro rank_columns(value, partition_by, tie_breaker=none) -%}
    row_number() over (
            partition by {{ partition_by | join(', ') }}
            order by {{ value }}{{ ', ' ~ tie_breaker if tie_breaker else '' }}
        ) as {{ value }}_rank,
        count({{ value }}) over (partition by {{ partition_by | join(', ') }}) as {{ value }}_count
{%- endmacro %}


{#- The SQL standard's percentile_disc (nearest rank): the first value, in ascending order, whose
    rank r among n rows satisfies r / n >= percent / 100. percent: a whole number from 1 to 100
    (50 is the lower median of an even count). The value grows with the rank, so the smallest
    value at or past the rank is the one at the rank. -#}
{% macro percentile_disc(percent, value) -%}
    {%- if percent is not integer or percent < 1 or percent > 100 -%}
        {{ exceptions.raise_compiler_error("percentile_disc: percent must be a whole number from 1 to 100, got " ~ percent) }}
    {%- endif -%}
    min(case when {{ value }}_rank * 100 >= {{ percent }} * {{ value }}_count then {{ value }} end)
{%- endmacro %}


{#- The median: the middle value, or the mean of the two middle ones. With count n, the middle
    ranks r are those with n <= 2r <= n + 2: r = (n + 1) / 2 for an odd n, n / 2 and n / 2 + 1
    for an even one; (min + max) / 2 of them is exact for one and the same for any order of the
    two. -#}
{% macro ranked_median(value) -%}
    {%- set middle = '2 * ' ~ value ~ '_rank between ' ~ value ~ '_count and ' ~ value ~ '_count + 2' -%}
    (min(case when {{ middle }} then {{ value }} end) + max(case when {{ middle }} then {{ value }} end)) / 2
{%- endmacro %}
