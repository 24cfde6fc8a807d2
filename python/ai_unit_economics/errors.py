"""Errors a user can act on. The CLI prints their message (no traceback) and exits 2, 1 or 3."""


class UserError(Exception):
    """Bad input or usage: the message says what is wrong and what to do next (exit 2)."""


class BuildError(Exception):
    """dbt reported failures; the message names the failing nodes (exit 1)."""


class UnusableInputError(Exception):
    """The input loaded but gave nothing usable to cost: a span layout with rows yielded no
    calls, or mostly invalid rows. The message names the top rejection reasons (exit 3)."""
