"""Errors a user can act on. The CLI prints their message, never a traceback.

Exit codes: 2 for a UserError (bad usage, input, or environment: the message says what to do),
1 for a BuildError (dbt reported failures) or an unexpected error, 3 for UnusableInputError
(the input loaded but yielded nothing usable).
"""


class UserError(Exception):
    """Bad input or usage: the message says what is wrong and what to do next."""


class BuildError(Exception):
    """dbt reported failures; the message names the failing nodes."""


class UnusableInputError(Exception):
    """The input loaded, but nothing usable came out of it (no calls, mostly invalid rows)."""


EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_USER_ERROR = 2
EXIT_UNUSABLE_INPUT = 3
