"""No formula of the catalogue is written by hand outside the files generated from it.

The models and hand-written macros call the generated macros (macros/metrics.sql:
metric_sql, metric_bound, sufficient_sample, unit_economics_sums; macros/statistics.sql:
wilson_bound, ratio_bound); Python reads the interval maths from metrics/intervals.py and the
defaults from the catalogue; stats.py, the tests' oracle, is imported by no production code.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from ai_unit_economics.metrics import catalogue, generate

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "python" / "ai_unit_economics"
GENERATED = {ROOT / generate.METRICS_MACRO, ROOT / generate.STATISTICS_MACROS}


def hand_written_sql() -> list[Path]:
    files = [*(ROOT / "models").rglob("*.sql"), *(ROOT / "macros").rglob("*.sql")]
    files += [
        *(ROOT / "integration_tests").rglob("*.sql"),
        *(ROOT / "tests" / "data").rglob("*.sql"),
    ]
    return sorted(path for path in files if path not in GENERATED)


def _formula_patterns() -> dict[str, re.Pattern[str]]:
    """For each ratio metric, its numerator divided by its denominator written out: through
    the ratio() macro, or with `/` (optionally cast, nullif'd, table-qualified)."""
    patterns = {}
    for item in catalogue.METRICS:
        if item.is_derived:
            continue
        num, den = item.numerator, item.denominator
        qualified = r"(?:[\w]+\.)?"
        via_macro = rf"ratio\(\s*'{qualified}{num}'\s*,\s*'{qualified}{den}'"
        wrapped = r"(?:(?:nullif|cast|sum|coalesce)\s*\(\s*)*"
        divided = rf"\b{num}\b[^/\n]{{0,40}}/\s*{wrapped}{qualified}{den}\b"
        patterns[item.name] = re.compile(f"{via_macro}|{divided}")
    return patterns


def without_comments(sql: str) -> str:
    """The SQL and Jinja a file runs: its {# #} and -- comments (prose) left out."""
    sql = re.sub(r"\{#.*?#\}", "", sql, flags=re.DOTALL)
    return re.sub(r"--[^\n]*", "", sql)


def test_no_model_or_macro_writes_a_catalogue_formula_by_hand() -> None:
    files = hand_written_sql()
    assert any("aiue__budget_status" in path.name for path in files)
    found = []
    for path in files:
        text = without_comments(path.read_text(encoding="utf-8"))
        for name, pattern in _formula_patterns().items():
            found += [
                f"{path.relative_to(ROOT)}: {name}: {m.group(0)!r}" for m in pattern.finditer(text)
            ]
        sample = re.search(r"labeled_intents\s*>=\s*\{\{\s*var\(", text)
        if sample:
            found.append(f"{path.relative_to(ROOT)}: the sample flag: {sample.group(0)!r}")
        if re.search(r"\bsqrt\s*\(", text):
            found.append(f"{path.relative_to(ROOT)}: interval maths (sqrt) outside statistics.sql")
    assert not found, (
        "write these with the generated macros (ai_unit_economics.metric_sql('...'), "
        "metric_bound, sufficient_sample):\n" + "\n".join(found)
    )


@pytest.mark.parametrize(
    ("sql", "metric"),
    [
        (
            "{{ ai_unit_economics.ratio('labeled_total_cost', 'successful_intents') }}",
            "cost_per_success",
        ),
        (
            "{{ ai_unit_economics.ratio('d.labeled_total_cost', 'd.successful_intents') }}",
            "cost_per_success",
        ),
        ("sum(labeled_total_cost) / nullif(sum(successful_intents), 0)", "cost_per_success"),
        ("labeled_total_cost / successful_intents", "cost_per_success"),
        ("cast(total_cost as double) / nullif(cast(intents as double), 0)", "cost_per_intent"),
        ("successful_intents / labeled_intents", "success_rate"),
    ],
)
def test_the_check_catches_a_hand_written_formula(sql: str, metric: str) -> None:
    assert _formula_patterns()[metric].search(sql)


def test_the_check_lets_the_generated_calls_through() -> None:
    ok = "{{ ai_unit_economics.metric_sql('cost_per_success', 'feature_days.') }} as cps"
    assert not any(pattern.search(ok) for pattern in _formula_patterns().values())


def _imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            module = node.module or ""
            found |= {f"{module}.{alias.name}" for alias in node.names} | {module}
        elif isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
    return found


def test_the_oracle_is_not_production_code() -> None:
    """stats.py computes the intervals again, independently, for the tests: the product uses
    intervals.py (SQL) only."""
    users = [
        path.relative_to(ROOT)
        for path in PACKAGE.rglob("*.py")
        if path.name != "stats.py" and any(name.endswith("stats") for name in _imports(path))
    ]
    assert not users


def test_the_confidence_level_default_is_written_once() -> None:
    """0.95 lives in catalogue.DEFAULT_CONFIDENCE_LEVEL (and the oracle's own copy); the CLI
    takes the build's (metrics/settings.py)."""
    written = [
        f"{path.relative_to(ROOT)}:{number}"
        for package in ("cli", "metrics", "finops", "builder", "engines")
        for path in (PACKAGE / package).rglob("*.py")
        if path.name not in ("catalogue.py", "stats.py")
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if re.search(r"(?<![\w.])0\.95\b", line) and "e.g." not in line and "like 0.95" not in line
    ]
    assert not written
