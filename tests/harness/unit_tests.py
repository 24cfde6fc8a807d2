"""The dbt unit tests the package defines, read from its models' YAML."""

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
