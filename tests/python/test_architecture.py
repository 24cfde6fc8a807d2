"""The package's shape (docs/development.md): sub-packages by role whose imports point one way,
no import cycles, dev tools that production code never imports, and one registry of commands.

The import tests are build-free and import nothing of the package: they read every module's
imports (at any depth, lazy ones inside functions too) with `ast`.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from functools import cache
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

import pytest

PACKAGE = "ai_unit_economics"
SOURCE = Path(__file__).resolve().parents[2] / "python" / PACKAGE

# The layers, bottom up. A module may import modules of its own sub-package and of any lower
# layer; never a higher layer, nor another sub-package of its own layer. "base" is the modules
# at the package root (errors, project, the version).
LAYERS: tuple[frozenset[str], ...] = (
    frozenset({"base"}),
    frozenset({"ui"}),
    frozenset({"ingest", "samples"}),
    frozenset({"engines"}),
    frozenset({"builder", "metrics"}),
    frozenset({"finops"}),
    frozenset({"cli", "devtools"}),
)
RANK = {package: rank for rank, layer in enumerate(LAYERS) for package in layer}

# Dev tools, and the only production modules allowed to import each: `aiue demo` generates
# the sample it builds. The build, the metrics and the reports never use test data.
DEV_TOOLS: dict[str, frozenset[str]] = {
    "samples": frozenset({f"{PACKAGE}.cli.demo"}),
    "devtools": frozenset(),
}


@cache
def modules() -> dict[str, Path]:
    """Every module of the package by dotted name (a package by its own name)."""
    found = {}
    for path in sorted(SOURCE.rglob("*.py")):
        parts = (PACKAGE, *path.relative_to(SOURCE).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


def sub_package(module: str) -> str:
    """The layer-table name of a module's sub-package: "base" for the root modules; the
    root's __main__ belongs with the command line."""
    parts = module.split(".")
    if len(parts) > 2 or (len(parts) == 2 and (SOURCE / parts[1]).is_dir()):
        return parts[1]
    return "cli" if parts[-1] == "__main__" else "base"


def _nearest_module(name: str) -> str | None:
    while name and name not in modules():
        name = name.rpartition(".")[0]
    return name or None


@cache
def imports_of(module: str) -> frozenset[str]:
    """The package modules `module` imports anywhere in its source."""
    path = modules()[module]
    here = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names if alias.name.startswith(PACKAGE)]
            found.update(filter(None, map(_nearest_module, names)))
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = here.rsplit(".", node.level - 1)[0] if node.level > 1 else here
                source = f"{base}.{node.module}" if node.module else base
            elif node.module and node.module.split(".")[0] == PACKAGE:
                source = node.module
            else:
                continue
            for alias in node.names:
                # `from package import module` imports that module; else a name of `source`.
                found.add(_nearest_module(f"{source}.{alias.name}") or source)
    found.discard(module)
    return frozenset(found)


def edges() -> list[tuple[str, str]]:
    return [(source, target) for source in modules() for target in sorted(imports_of(source))]


def test_the_import_reader_sees_lazy_relative_and_package_imports() -> None:
    """Guards the reader the other tests trust: a lazy import inside a function, a relative
    import two levels up, and `from package import module` all count."""
    assert f"{PACKAGE}.builder.pipeline" in imports_of(f"{PACKAGE}.cli.run")  # lazy, in run()
    assert f"{PACKAGE}.errors" in imports_of(f"{PACKAGE}.ingest.inputs")  # from ..errors
    assert f"{PACKAGE}.cli.demo" in imports_of(f"{PACKAGE}.cli")  # from . import demo
    assert len(modules()) > 40


def test_every_sub_package_has_a_layer_and_a_docstring_and_a_light_init() -> None:
    """A new sub-package is placed in LAYERS; its __init__ says what lives there and imports
    nothing (the command line's holds main and the registry)."""
    packages = sorted(path.parent.name for path in SOURCE.glob("*/__init__.py"))
    assert set(packages) | {"base"} == set(RANK), "place each sub-package in LAYERS"
    # .gitignore (so the wheel) and ruff's default excludes skip folders with these names.
    assert not set(packages) & {"build", "dist", "target", "logs"}
    for name in packages:
        init = SOURCE / name / "__init__.py"
        tree = ast.parse(init.read_text(encoding="utf-8"))
        assert ast.get_docstring(tree), f"{name}/__init__.py has no docstring"
        if name != "cli":
            assert imports_of(f"{PACKAGE}.{name}") == frozenset(), f"{name}/__init__.py imports"


def test_no_import_cycles() -> None:
    graph = {module: imports_of(module) for module in modules()}
    try:
        tuple(TopologicalSorter(graph).static_order())
    except CycleError as error:
        cycle = " -> ".join(error.args[1])
        pytest.fail(f"import cycle: {cycle}; move what both need into a lower module")


def test_imports_point_down_the_layers() -> None:
    upward = [
        f"{source} ({sub_package(source)}) imports {target} ({sub_package(target)})"
        for source, target in edges()
        if sub_package(source) != sub_package(target)
        and RANK[sub_package(target)] >= RANK[sub_package(source)]
    ]
    assert not upward, "imports against the layers (LAYERS in this file):\n" + "\n".join(upward)


def test_production_code_never_imports_the_dev_tools() -> None:
    offending = [
        f"{source} imports {target}"
        for source, target in edges()
        if sub_package(target) in DEV_TOOLS
        and sub_package(source) not in DEV_TOOLS
        and source not in DEV_TOOLS[sub_package(target)]
    ]
    assert not offending, "\n".join(offending)


# --- one registry of commands -------------------------------------------------------------


def _command_modules_in_source() -> set[str]:
    """Modules under cli/ that declare a command (a top-level NAME)."""
    declared = set()
    for module, path in modules().items():
        if not module.startswith(f"{PACKAGE}.cli.") or path.name == "__init__.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        assigned = {
            target.id
            for node in tree.body
            if isinstance(node, ast.Assign)
            for target in node.targets
            if isinstance(target, ast.Name)
        }
        if "NAME" in assigned:
            declared.add(module)
    return declared


def test_every_command_module_is_registered_once_in_the_shape_the_parser_reads() -> None:
    from ai_unit_economics import cli

    names = [command.NAME for command in cli.COMMANDS]
    assert len(names) == len(set(names))
    assert {command.__name__ for command in cli.COMMANDS} == _command_modules_in_source()
    for command in cli.COMMANDS:
        assert isinstance(command.HELP, str) and command.HELP, command.__name__
        assert callable(command.add_arguments) and callable(command.run), command.__name__


def test_aiue_help_lists_exactly_the_registered_commands(capsys: pytest.CaptureFixture) -> None:
    from ai_unit_economics import cli

    with pytest.raises(SystemExit):
        cli.main(["--help"])
    text = capsys.readouterr().out
    choices = re.search(r"\{([a-z,-]+)\}", text)
    assert choices is not None
    registered = [command.NAME for command in cli.COMMANDS]
    assert choices.group(1).split(",") == registered
    listed = re.findall(r"^    ([a-z-]+) ", text, flags=re.MULTILINE)
    assert listed == registered
    # `python -m ai_unit_economics` is the same command line.
    module_help = subprocess.run(
        [sys.executable, "-m", PACKAGE, "--help"], capture_output=True, text=True, check=True
    ).stdout
    assert module_help == text
