"""Errors a user can act on. The CLI prints their message (no traceback) and exits 2."""


class UserError(Exception):
    """Bad input or usage: the message says what is wrong and what to do next."""


class BuildError(Exception):
    """dbt reported failures; the message names the failing nodes."""
