"""The interval maths, written once as SQL over additive sums.

Every interval a user sees comes from the expressions built here:
- `aiue generate` writes them as the dbt macros `wilson_bound` and `ratio_bound`
  (macros/statistics.sql), one variant per warehouse dialect, transpiled by sqlglot, with the
  level's constants computed when dbt compiles (var aiue_confidence_level);
- `aiue metrics`, `aiue sql`, the semantic documents and the report use the same expressions
  with the constants as literals;
- the what-if and the report's re-aggregations evaluate them in an in-memory DuckDB
  (`evaluate`), so Python never has a second copy of the formulas.
stats.py is the independent Python twin the tests hold all of these to.

The methods (docs/metrics.md says why):
- rates: the Wilson score interval;
- cost per intent and cost per success (R = Σy/Σx over n units): the delta method on the log
  scale, R·exp(∓q·cv), cv = √(n·Σ(y − R·x)² / ((n − 1)·(Σx)²)) / R, with q the Student-t
  quantile at n − 1 degrees of freedom; no upper end (null) when Σx is not significantly above
  0 (Fieller's condition) or the end would overflow a double. Both ends are positive whenever
  R is: a cost interval never shows negative dollars.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from statistics import NormalDist

import sqlglot

CANONICAL_DIALECT = "postgres"
DOUBLE = "double precision"

# A residual at most this share of Σy² is rounding of the double sums (the engines sum in
# different orders), not spread: the interval is the point itself.
ZERO_RESIDUAL = 1e-12
# exp() beyond this overflows a double; such an upper end is shown as no upper bound.
MAX_EXPONENT = 700

# The Student-t quantile beyond 2 degrees of freedom: t = z + Σₖ gₖ(z) / dfᵏ, the
# Cornish-Fisher expansion (Abramowitz & Stegun 26.7.5); gₖ(z) = Σ coefficient·z^power / divisor.
# Within 0.15% of the exact quantile from 3 degrees of freedom at the 95% level, and closer
# as they grow; 1 and 2 degrees of freedom have closed forms (T1, T2 below).
CORNISH_FISHER: tuple[tuple[int, tuple[tuple[int, int], ...]], ...] = (
    (4, ((1, 3), (1, 1))),
    (96, ((5, 5), (16, 3), (3, 1))),
    (384, ((3, 7), (19, 5), (17, 3), (-15, 1))),
    (92160, ((79, 9), (776, 7), (1482, 5), (-1920, 3), (-945, 1))),
)
# The constants an interval at one level needs: z, the t quantiles at 1 and 2 degrees of
# freedom (tan(π·level/2) and level·√(2 / (1 − level²))), and the expansion's terms.
CONSTANTS: tuple[str, ...] = ("z", "t1", "t2", *(f"g{k}" for k in range(1, 5)))
SIDES = ("low", "high")


def check_level(level: float) -> float:
    if not 0 < level < 1:
        raise ValueError(f"confidence level must be between 0 and 1 (got {level}); e.g. 0.95.")
    return float(level)


def constants(level: float) -> dict[str, float]:
    """The level's constants as numbers."""
    level = check_level(level)
    z = NormalDist().inv_cdf(0.5 + level / 2)
    values = {
        "z": z,
        "t1": math.tan(math.pi * level / 2),
        "t2": level * math.sqrt(2 / (1 - level * level)),
    }
    for k, (divisor, terms) in enumerate(CORNISH_FISHER, start=1):
        values[f"g{k}"] = sum(coefficient * z**power for coefficient, power in terms) / divisor
    return values


def jinja_expansion_terms() -> dict[str, str]:
    """gₖ as Jinja arithmetic over a variable `z`, for the compile-time constants macro."""
    return {
        f"g{k}": "("
        + " + ".join(f"{coefficient} * z ** {power}" for coefficient, power in terms)
        + f") / {divisor}"
        for k, (divisor, terms) in enumerate(CORNISH_FISHER, start=1)
    }


def literal_constants(level: float) -> dict[str, str]:
    return {name: repr(value) for name, value in constants(level).items()}


# --------------------------------------------------------------------------------------------
# The expressions (canonical SQL: PostgreSQL syntax, lowercase). Arguments are SQL over the
# sums; `c` maps each constant name to SQL (a literal, or a placeholder for dbt).
# --------------------------------------------------------------------------------------------


def _double(sql: str) -> str:
    return f"cast({sql} as {DOUBLE})"


def critical_value(df: str, c: Mapping[str, str]) -> str:
    """The Student-t quantile at `df` degrees of freedom (SQL)."""
    # Horner's scheme: z + (g1 + (g2 + (g3 + g4 / df) / df) / df) / df.
    expansion = c[f"g{len(CORNISH_FISHER)}"]
    for k in range(len(CORNISH_FISHER) - 1, 0, -1):
        expansion = f"({c[f'g{k}']} + {expansion} / {df})"
    beyond = f"{c['z']} + {expansion} / {df}"
    return f"(case when {df} = 1 then {c['t1']} when {df} = 2 then {c['t2']} else {beyond} end)"


def wilson_bound(successes: str, trials: str, side: str, c: Mapping[str, str]) -> str:
    """One end ('low' or 'high') of the Wilson score interval for successes / trials; null when
    trials is 0; exactly 0 (1) at the low (high) end when no (every) trial succeeded."""
    s, n = _double(successes), _double(trials)
    z = c["z"]
    z2 = f"({z} * {z})"
    p = f"({s} / {n})"
    half = f"{z} * sqrt({p} * (1 - {p}) / {n} + {z2} / (4 * {n} * {n}))"
    sign, edge_when, edge_value = (
        ("-", f"{s} = 0", "0.0") if side == "low" else ("+", f"{s} = {n}", "1.0")
    )
    formula = f"({p} + {z2} / (2 * {n}) {sign} {half}) / (1 + {z2} / {n})"
    return f"case when {n} > 0 and {edge_when} then {edge_value} when {n} > 0 then {formula} end"


def ratio_bound(parts: Sequence[str], side: str, c: Mapping[str, str]) -> str:
    """One end of the interval for R = Σy/Σx from (n, Σy, Σy², Σx, Σx², Σxy): null when
    n < 2, Σx = 0 or R is not positive; the point itself when every unit has the same ratio;
    the high end null (no upper bound) when Fieller's condition fails or it would overflow."""
    n, y, y2, x, x2, xy = (_double(part) for part in parts)
    ratio = f"({y} / {x})"
    residual = f"({y2} - 2 * {ratio} * {xy} + {ratio} * {ratio} * {x2})"
    q = critical_value(f"({n} - 1)", c)
    spread = f"({q} * sqrt({n} * {residual} / (({n} - 1) * {x} * {x})) / {ratio})"
    cases = [
        f"when {residual} <= {ZERO_RESIDUAL!r} * {y2} then {ratio}",
        f"when {ratio} <= 0 then null",
    ]
    if side == "low":
        cases.append(f"else {ratio} * exp(-{spread})")
    else:
        bounded = f"{x} * {x} - {q} * {q} / ({n} - 1) * ({n} * {x2} - {x} * {x}) > 0"
        cases += [
            f"when {spread} > {MAX_EXPONENT} then null",
            f"when not ({bounded}) then null",
            f"else {ratio} * exp({spread})",
        ]
    return f"case when {n} >= 2 and {x} <> 0 then case {' '.join(cases)} end end"


def transpile(sql: str, dialect: str, pretty: bool = False) -> str:
    return sqlglot.transpile(sql, read=CANONICAL_DIALECT, write=dialect, pretty=pretty)[0]


# --------------------------------------------------------------------------------------------
# dbt macro bodies: the same expressions with Jinja in place of the arguments and constants.
# --------------------------------------------------------------------------------------------

WILSON_ARGUMENTS = ("successes", "trials")
RATIO_ARGUMENTS = ("n", "sum_y", "sum_y2", "sum_x", "sum_x2", "sum_xy")
_PLACEHOLDER = re.compile(r"\baiue_(arg|const)_([a-z0-9_]+)\b", re.IGNORECASE)


def _jinja(match: re.Match[str]) -> str:
    kind, name = match.group(1).lower(), match.group(2).lower()
    return "{{ " + name + " }}" if kind == "arg" else "({{ c." + name + " }})"


def macro_body(
    builder: Callable[[Sequence[str], str, Mapping[str, str]], str],
    arguments: Iterable[str],
    side: str,
    dialect: str,
) -> str:
    """The SQL of one end for one dialect, with `{{ argument }}` and `({{ c.constant }})`."""
    placeholders = [f"aiue_arg_{name}" for name in arguments]
    c = {name: f"aiue_const_{name}" for name in CONSTANTS}
    sql = transpile(builder(placeholders, side, c), dialect, pretty=True)
    return _PLACEHOLDER.sub(_jinja, sql)


def wilson_macro_body(side: str, dialect: str) -> str:
    return macro_body(
        lambda a, s, c: wilson_bound(a[0], a[1], s, c), WILSON_ARGUMENTS, side, dialect
    )


def ratio_macro_body(side: str, dialect: str) -> str:
    return macro_body(ratio_bound, RATIO_ARGUMENTS, side, dialect)


# --------------------------------------------------------------------------------------------
# Evaluating the SQL for Python callers (the what-if, the report's re-aggregations).
# --------------------------------------------------------------------------------------------


def evaluate_ratio(
    rows: Sequence[Sequence[float]], level: float
) -> list[tuple[float | None, float | None]]:
    """(low, high) of ratio_bound for each row of (n, Σy, Σy², Σx, Σx², Σxy), by running the
    SQL in an in-memory DuckDB: the same formula as every warehouse, not a Python copy."""
    if not rows:
        return []
    import duckdb

    c = literal_constants(level)
    names = RATIO_ARGUMENTS
    low, high = (transpile(ratio_bound(names, side, c), "duckdb") for side in SIDES)
    values = ", ".join("(" + ", ".join(["?"] * (len(names) + 1)) + ")" for _ in rows)
    parameters = [float(value) for index, row in enumerate(rows) for value in (index, *row)]
    sql = (
        f"select {low}, {high} from (values {values}) as sums(position, {', '.join(names)}) "
        "order by position"
    )
    with duckdb.connect() as connection:
        return [tuple(row) for row in connection.execute(sql, parameters).fetchall()]
