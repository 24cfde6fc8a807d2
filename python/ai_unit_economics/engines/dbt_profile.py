"""What a run takes from the package's dbt project: the connection of a profiles.yml output,
and the folder a run keeps dbt's target/ and logs/ in.

Below both the engines and the builder (builder/runner.py runs dbt with them), so that neither
has to import the other to find a connection or a log folder.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from ..errors import UserError
from ..project import project_dir


def profile_output(target: str) -> dict[str, Any]:
    """The `target` output of the package's profiles.yml, its env_var() calls resolved.

    The loaders and `aiue metrics` connect with exactly what dbt would use. Rendered here with
    Jinja the way dbt renders a profile (env_var with its default, `as_number`, `as_bool`)
    rather than through dbt: importing dbt's profile reader takes seconds, most of a read
    command's time.
    """
    import yaml

    path = project_dir() / "profiles.yml"
    profile = (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("ai_unit_economics")
    outputs = (profile or {}).get("outputs", {})
    if target not in outputs:
        raise UserError(
            f"profiles.yml has no '{target}' output; add one (see docs/warehouses.md) or choose "
            f"one of: {', '.join(outputs)}."
        )
    return _render(outputs[target])


def _env_var(name: str, default: Any = None) -> Any:
    if name in os.environ:
        return os.environ[name]
    if default is None:
        raise UserError(f"profiles.yml needs the environment variable {name}: set it.")
    return default


def _render(value: Any) -> Any:
    """A profile value with its Jinja rendered; `| as_number` and `| as_bool` give numbers and
    booleans, as in dbt."""
    if isinstance(value, dict):
        return {key: _render(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_render(item) for item in value]
    if not isinstance(value, str) or "{{" not in value:
        return value
    import jinja2

    environment = jinja2.Environment(undefined=jinja2.StrictUndefined)
    environment.globals["env_var"] = _env_var
    environment.filters["as_number"] = environment.filters["as_bool"] = lambda item: item
    environment.filters["as_text"] = str
    text = environment.from_string(value).render()
    if "as_number" in value:
        number = float(text)
        return int(number) if number.is_integer() and "." not in text else number
    if "as_bool" in value:
        return text.strip().lower() in ("true", "1", "yes")
    return text


def work_dir_for(db_path: Path | None) -> Path:
    """Where a run keeps dbt's target/ and logs/: .aiue/ beside the DuckDB file (else in the
    current folder), as an absolute path. dbt reads a relative --target-path against the
    project folder, which for an installed wheel is inside site-packages."""
    return Path(os.path.abspath(db_path if db_path is not None else "aiue.duckdb")).parent / ".aiue"
