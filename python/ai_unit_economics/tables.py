"""Plain-text tables for the terminal: labels left-aligned, numbers right-aligned."""

from __future__ import annotations


def text_table(
    header: list[str],
    body: list[list[str]],
    label_columns: int = 1,
    footer: list[str] | None = None,
) -> list[str]:
    """The lines of a table; the first `label_columns` columns are left-aligned. A footer row
    (a total) comes after a second rule."""
    rows = [header, *body, *([footer] if footer else [])]
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]

    def line(cells: list[str]) -> str:
        return "  ".join(
            cell.ljust(widths[i]) if i < label_columns else cell.rjust(widths[i])
            for i, cell in enumerate(cells)
        )

    rule = "  ".join("-" * width for width in widths)
    lines = [line(header), rule, *map(line, body)]
    if footer:
        lines += [rule, line(footer)]
    return lines
