{#- Confidence intervals from additive sums: the SQL twins of python/ai_unit_economics/stats.py
    (and of the metric views sqlgen.py writes); the tests hold them to the same numbers.
    sqrt exists on every supported engine, so each macro is a dispatcher with only
    a default__ implementation; add an adapter variant here if one ever needs it. -#}


{#- z for the two-sided confidence level in var aiue_confidence_level (default 0.95 -> 1.96),
    computed at compile time: no engine needs an inverse-normal function. -#}
{% macro confidence_z() -%}
  {{ return(ai_unit_economics.normal_quantile(var('aiue_confidence_level', 0.95))) }}
{%- endmacro %}


{#- Solves Phi(z) - 1/2 = level / 2 by Newton's method, Phi from its Taylor series
    Phi(z) - 1/2 = phi(z) * sum_k z^(2k+1) / (1*3*...*(2k+1)); exact to double precision for
    levels up to 0.999999 (z < 5). Starting at 0, the iterates rise monotonically to the root
    (Phi is concave on z > 0), so a fixed number of steps is safe. -#}
{% macro normal_quantile(level) -%}
  {%- set level = level | float -%}
  {%- if not (0 < level and level <= 0.999999) -%}
    {{ exceptions.raise_compiler_error(
        "var aiue_confidence_level must be a confidence level between 0 and 0.999999, like "
        ~ "0.95 (95%); got " ~ level) }}
  {%- endif -%}
  {%- set e = 2.718281828459045 -%}
  {%- set root_two_pi = 2.5066282746310002 -%}
  {%- set state = namespace(z=0.0) -%}
  {%- for step in range(40) -%}
    {%- set density = e ** (-0.5 * state.z * state.z) / root_two_pi -%}
    {%- set series = namespace(term=state.z, total=state.z) -%}
    {%- for k in range(1, 200) -%}
      {%- set series.term = series.term * state.z * state.z / (2 * k + 1) -%}
      {%- set series.total = series.total + series.term -%}
    {%- endfor -%}
    {%- set state.z = state.z - (density * series.total - level / 2) / density -%}
  {%- endfor -%}
  {{ return(state.z) }}
{%- endmacro %}


{#- One end ('low' or 'high') of the Wilson score interval for successes / trials; null when
    trials is 0; exactly 0 (1) at the low (high) end when no (every) trial succeeded. -#}
{% macro wilson_bound(successes, trials, z, side) -%}
  {{ return(adapter.dispatch('wilson_bound', 'ai_unit_economics')(successes, trials, z, side)) }}
{%- endmacro %}

{% macro default__wilson_bound(successes, trials, z, side) -%}
  {%- set double = ai_unit_economics.type_double() -%}
  {%- set n = 'cast(' ~ trials ~ ' as ' ~ double ~ ')' -%}
  {%- set p = '(cast(' ~ successes ~ ' as ' ~ double ~ ') / ' ~ n ~ ')' -%}
  {%- set z2 = z * z -%}
  {%- set sign = '-' if side == 'low' else '+' -%}
  case
    when {{ trials }} > 0 and {{ successes }} = {{ '0' if side == 'low' else trials }}
      then {{ '0.0' if side == 'low' else '1.0' }}
    when {{ trials }} > 0
      then ({{ p }} + {{ z2 }} / (2 * {{ n }}) {{ sign }} {{ z }} * sqrt({{ p }} * (1 - {{ p }}) / {{ n }} + {{ z2 }} / (4 * {{ n }} * {{ n }})))
        / (1 + {{ z2 }} / {{ n }})
  end
{%- endmacro %}


{#- One end of the delta-method interval for R = sum_y / sum_x over n units:
    Var(R) = n * (sum_y2 - 2R*sum_xy + R^2*sum_x2) / ((n - 1) * sum_x^2); R -/+ z*sqrt(Var).
    For a mean (cost per intent) pass x = 1 per unit: sum_x = sum_x2 = n, sum_xy = sum_y.
    Null when n < 2 or sum_x = 0. -#}
{% macro delta_ratio_bound(n, sum_y, sum_y2, sum_x, sum_x2, sum_xy, z, side) -%}
  {{ return(adapter.dispatch('delta_ratio_bound', 'ai_unit_economics')(
      n, sum_y, sum_y2, sum_x, sum_x2, sum_xy, z, side)) }}
{%- endmacro %}

{% macro default__delta_ratio_bound(n, sum_y, sum_y2, sum_x, sum_x2, sum_xy, z, side) -%}
  {%- set double = ai_unit_economics.type_double() -%}
  {%- set ratio = '(cast(' ~ sum_y ~ ' as ' ~ double ~ ') / cast(' ~ sum_x ~ ' as ' ~ double ~ '))' -%}
  {%- set residual = 'cast(' ~ sum_y2 ~ ' as ' ~ double ~ ') - 2 * ' ~ ratio ~ ' * cast(' ~ sum_xy ~ ' as ' ~ double
      ~ ') + ' ~ ratio ~ ' * ' ~ ratio ~ ' * cast(' ~ sum_x2 ~ ' as ' ~ double ~ ')' -%}
  {%- set nd = 'cast(' ~ n ~ ' as ' ~ double ~ ')' -%}
  {%- set xd = 'cast(' ~ sum_x ~ ' as ' ~ double ~ ')' -%}
  {%- set variance = nd ~ ' * (' ~ residual ~ ') / ((' ~ nd ~ ' - 1) * ' ~ xd ~ ' * ' ~ xd ~ ')' -%}
  {#- A residual within 1e-12 of sum_y2 is rounding of the double sums, not spread: every
      unit has the same ratio, and the noise would differ with the engine's summation order. #}
  case
    when {{ n }} >= 2 and {{ sum_x }} <> 0
      then {{ ratio }} {{ '-' if side == 'low' else '+' }} {{ z }} * sqrt(case
        when ({{ residual }}) > 1e-12 * cast({{ sum_y2 }} as {{ double }}) then {{ variance }}
        else 0.0 end)
  end
{%- endmacro %}
