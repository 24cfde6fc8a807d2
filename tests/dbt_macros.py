"""The package's macro files rendered with plain Jinja, the way dbt calls them: `return()`
gives the macro's value, `ai_unit_economics.<macro>` calls the package's own macros,
`adapter.dispatch` picks the `<adapter>__` variant (else `default__`) and `var()` answers with
its default. Enough for the macros that are pure text and arithmetic (macros/statistics.sql);
a test renders them without dbt to hold their SQL and compile-time constants to the oracle."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jinja2

MACROS = Path(__file__).resolve().parents[1] / "macros"


class Returned(Exception):
    def __init__(self, value: Any) -> None:
        self.value = value


def _return(value: Any) -> None:
    raise Returned(value)


def _compiler_error(message: str) -> None:
    raise ValueError(message)


class Package:
    """`ai_unit_economics.<macro>(...)` with dbt's return semantics."""

    def __init__(self, adapter: str = "default") -> None:
        self.adapter = adapter
        self.module: Any = None

    def macro(self, name: str) -> Any:
        found = getattr(self.module, name)

        def call(*args: Any, **kwargs: Any) -> Any:
            try:
                return found(*args, **kwargs)
            except Returned as returned:
                return returned.value

        return call

    def __getattr__(self, name: str) -> Any:
        return self.macro(name)

    def dispatch(self, name: str, namespace: str = "") -> Any:
        variant = f"{self.adapter}__{name}"
        return self.macro(variant if hasattr(self.module, variant) else f"default__{name}")


def macros(file: str = "statistics.sql", adapter: str = "default") -> Package:
    """A macro file as a package: `macros().ratio_bound('n', ..., 'low')` is its SQL."""
    package = Package(adapter)
    env = jinja2.Environment(extensions=["jinja2.ext.do"])
    env.globals.update(
        {
            "return": _return,
            "exceptions": type("Exceptions", (), {"raise_compiler_error": _compiler_error}),
            "ai_unit_economics": package,
            "adapter": package,
            "var": lambda name, default=None: default,
        }
    )
    package.module = env.from_string((MACROS / file).read_text()).module
    return package
