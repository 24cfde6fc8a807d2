"""The dbt unit tests in the models' YAML, and what a build's data tests said."""

from __future__ import annotations

from pathlib import Path

import yaml

MODELS = Path(__file__).resolve().parents[2] / "models"


def _unit_tests() -> list[dict]:
    return [
        test
        for path in MODELS.rglob("*.yml")
        for test in (yaml.safe_load(path.read_text()) or {}).get("unit_tests") or []
    ]


def defined_unit_tests() -> set[str]:
    """`model.unit_test` of every unit test in the package's model YAML."""
    return {f"{test['model']}.{test['name']}" for test in _unit_tests()}


def conditional_unit_tests() -> set[str]:
    """The unit tests enabled only in some configurations (config.enabled in their YAML: their
    inputs are the models of, say, a build of every span layout)."""
    return {
        f"{test['model']}.{test['name']}"
        for test in _unit_tests()
        if "enabled" in (test.get("config") or {})
    }


# Data tests that warn by design: they list what a user should look at (runaway intents,
# repeated FOCUS rows, the last week's anomalies), the same rows on every engine.
WARNINGS_BY_DESIGN = frozenset(
    {"warn_runaway_intents", "warn_focus_identical_rows", "aiue_no_anomalies_in_the_last_week"}
)


def not_passed(results: dict[str, str]) -> dict[str, str]:
    """Data tests (name -> status) that did not pass, but for a warning by design."""
    return {
        name: status
        for name, status in results.items()
        if status != "pass" and not (status == "warn" and name in WARNINGS_BY_DESIGN)
    }


def not_green(nodes: dict[str, str]) -> dict[str, str]:
    """dbt nodes (unique id -> status) that neither succeeded nor passed, but for a warning by
    design."""
    return {
        node: status
        for node, status in nodes.items()
        if status not in {"success", "pass"}
        and not (status == "warn" and node.split(".")[2] in WARNINGS_BY_DESIGN)
    }
