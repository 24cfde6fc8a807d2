{#- Our own implementation of one of the package's cross-database macros, used when our
    dbt_project.yml puts this project first in the package's dispatch search order (scenario
    dispatch_override in scenarios.yml): DuckDB's regexp_full_match on a pattern widened to
    match anywhere, the same result as the package's regexp_matches. The comment shows in the
    compiled SQL that ours ran. -#}
{% macro duckdb__regex_matches_column(expression, pattern_expression) -%}
  /* ai_unit_economics_integration_tests.regex_matches_column */
  regexp_full_match({{ expression }}, {{ dbt.concat(["'.*(?:'", pattern_expression, "').*'"]) }}, 'is')
{%- endmacro %}
