"""The sample threshold and confidence level a build's metrics were made with.

`dbt build` stores them with the build (the view aiue__metric_settings, compiled from vars
aiue_min_sample_intents and aiue_confidence_level), so `aiue metrics`, `aiue report` and
`aiue whatif` judge samples and intervals as the marts and metric views did; their
--min-sample and --confidence flags override. A build made before that view existed, and
`aiue sql` (which reads no build), fall back to the vars of the project's dbt_project.yml,
then to the catalogue's defaults.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import yaml

from ..engines.warehouse import mart_schema, query
from ..errors import UserError
from ..project import project_dir
from . import catalogue

SETTINGS_RELATION = "aiue__metric_settings"
MIN_SAMPLE_VAR = "aiue_min_sample_intents"
CONFIDENCE_VAR = "aiue_confidence_level"


@dataclass(frozen=True)
class MetricSettings:
    min_sample: int = catalogue.DEFAULT_MIN_SAMPLE
    level: float = catalogue.DEFAULT_CONFIDENCE_LEVEL
    source: str = "defaults"  # the build | dbt_project.yml | defaults

    def overridden(self, min_sample: int | None, level: float | None) -> MetricSettings:
        """These settings with the flags the user gave (None: not given)."""
        changed = replace(
            self,
            min_sample=self.min_sample if min_sample is None else min_sample,
            level=self.level if level is None else level,
        )
        if not 0 < changed.level < 1:
            raise UserError(
                f"--confidence must be a level between 0 and 1, like 0.95; got {changed.level}."
            )
        if changed.min_sample < 0:
            raise UserError(f"--min-sample must be 0 or more; got {changed.min_sample}.")
        return changed


def project_settings(root: Path | None = None) -> MetricSettings:
    """The vars of the project's dbt_project.yml (the catalogue's defaults where unset)."""
    path = (root or project_dir()) / "dbt_project.yml"
    if not path.is_file():
        return MetricSettings()
    variables: dict[str, Any] = (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get(
        "vars"
    ) or {}
    try:
        return MetricSettings(
            int(variables.get(MIN_SAMPLE_VAR, catalogue.DEFAULT_MIN_SAMPLE)),
            float(variables.get(CONFIDENCE_VAR, catalogue.DEFAULT_CONFIDENCE_LEVEL)),
            "dbt_project.yml",
        )
    except (TypeError, ValueError):
        return MetricSettings()


def build_settings(
    target: str, db_path: Path | None = None, schema: str | None = None
) -> MetricSettings:
    """The settings stored with the build in `schema` (default: the target's marts schema)."""
    schema = mart_schema(target, schema)
    try:
        _, rows = query(
            target,
            f"select min_sample_intents, confidence_level from {schema}.{SETTINGS_RELATION}",
            db_path,
        )
    except UserError:
        # No such view (a build older than it): the marts' schema is checked by the query
        # that follows, which names the problem if there is one.
        return project_settings()
    if not rows or rows[0][0] is None or rows[0][1] is None:
        return project_settings()
    return MetricSettings(int(rows[0][0]), float(rows[0][1]), "the build")


def resolve(
    target: str,
    db_path: Path | None,
    min_sample: int | None = None,
    level: float | None = None,
    schema: str | None = None,
) -> MetricSettings:
    """The build's settings, with the flags the user gave."""
    if min_sample is not None and level is not None:
        return MetricSettings(min_sample, level, "flags").overridden(min_sample, level)
    return build_settings(target, db_path, schema).overridden(min_sample, level)
