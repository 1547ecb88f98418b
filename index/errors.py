"""Errors a user can cause and fix.  Each message is one line: what is wrong and what to do.

The CLI prints ``str(error)`` and exits non-zero; the web answers with a 4xx
page or JSON.  Anything else is a bug and may show a traceback.
"""


class KavoshError(Exception):
    """Base of every user-facing error."""

    exit_code = 1


class IndexNotFound(KavoshError):
    exit_code = 3


class IndexLocked(KavoshError):
    exit_code = 4


class IncompatibleIndex(KavoshError):
    exit_code = 5


class QueryError(KavoshError):
    exit_code = 2


class InputError(KavoshError):
    """A path given to ``kavosh index`` that cannot be read at all."""

    exit_code = 2
