{#- Discrete percentiles that are identical on every engine: the nearest-rank definition of the
    SQL standard's percentile_disc (the first value, in ascending order, whose rank r among n
    rows satisfies r / n >= p). Computed from integer ranks, so neither an engine's own
    percentile function (DuckDB's quantile_disc picks a different rank) nor float rounding of
    p * n decides which row is taken. Rank the rows with percentile_rank_columns(), then
    aggregate each percentile with percentile_disc(). -#}
{% macro percentile_rank_columns(value, partition_by, tie_breaker) -%}
    row_number() over (
            partition by {{ partition_by | join(', ') }} order by {{ value }}, {{ tie_breaker }}
        ) as percentile_rank,
        count(*) over (partition by {{ partition_by | join(', ') }}) as percentile_count
{%- endmacro %}


{#- percent: a whole number from 1 to 100 (50 is the lower median of an even count). The value
    grows with the rank, so the smallest value at or past the rank is the one at the rank. -#}
{% macro percentile_disc(percent, value) -%}
    {%- if percent is not integer or percent < 1 or percent > 100 -%}
        {{ exceptions.raise_compiler_error("percentile_disc: percent must be a whole number from 1 to 100, got " ~ percent) }}
    {%- endif -%}
    min(case when percentile_rank * 100 >= {{ percent }} * percentile_count then {{ value }} end)
{%- endmacro %}
