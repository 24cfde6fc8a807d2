"""Tables for the terminal, drawn by rich: labels left-aligned, numbers right-aligned, at most
MAX_WIDTH columns wide unless asked for more (`--wide`)."""

from __future__ import annotations

import io

from rich import box
from rich.console import Console
from rich.table import Table

MAX_WIDTH = 120
UNBOUNDED = 10_000  # --wide: every column at its natural width, however wide that is


def text_table(
    header: list[str],
    body: list[list[str]],
    label_columns: int = 1,
    footer: list[str] | None = None,
    *,
    title: str | None = None,
    width: int = MAX_WIDTH,
) -> list[str]:
    """The lines of a table; the first `label_columns` columns are left-aligned and may wrap,
    numbers never wrap. A footer row (a total) comes after a rule; a title goes above it."""
    table = Table(
        box=box.SIMPLE,
        show_footer=footer is not None,
        header_style=None,
        show_edge=False,
        pad_edge=False,
        padding=(0, 1),
    )
    for index, name in enumerate(header):
        is_label = index < label_columns
        table.add_column(
            name,
            footer=footer[index] if footer else "",
            justify="left" if is_label else "right",
            no_wrap=not is_label,
            overflow="fold",
        )
    for row in body:
        table.add_row(*row)
    buffer = io.StringIO()
    console = Console(
        file=buffer,
        width=width,
        color_system=None,
        force_terminal=False,
        highlight=False,
        emoji=False,
        legacy_windows=False,
    )
    console.print(table)
    lines = [line.rstrip() for line in buffer.getvalue().splitlines()]
    while lines and not lines[-1]:
        lines.pop()
    return [title, *lines] if title else lines
