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
    """The lines of a table; the first `label_columns` columns are left-aligned and may wrap
    between words, numbers never wrap. A footer row (a total) comes after a rule, a title
    goes above. When even wrapped labels cannot make it fit `width`, it keeps its natural
    width: better wide than cropped."""
    rows = [header, *body, *([footer] if footer else [])]
    natural = [max(len(row[index]) for row in rows) for index in range(len(header))]
    narrowest = [
        max((len(word) for row in rows for word in row[index].split()), default=1)
        if index < label_columns
        else natural[index]
        for index in range(len(header))
    ]
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
            min_width=narrowest[index],
            overflow="fold",
        )
    for row in body:
        table.add_row(*row)
    natural_width = len(_render(table, UNBOUNDED)[0])
    overhead = natural_width - sum(natural)  # the gaps between columns
    fits = sum(narrowest) + overhead <= width
    lines = _render(table, width if fits else natural_width)
    return [title, *lines] if title else lines


def _render(table: Table, width: int) -> list[str]:
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
    return lines
