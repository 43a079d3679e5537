"""The one family of domain errors and the exit codes the CLI maps them to.

Every error carries a one-line, fix-it message. The CLI catches
:class:`ScoGraphError` in one place, prints the message to stderr and exits
with the error's :class:`ExitCode`.
"""

from __future__ import annotations

import warnings
from enum import IntEnum


class ExitCode(IntEnum):
    """Documented process exit codes (see the README's table)."""

    OK = 0
    NO_RESULT = 1
    USAGE = 2
    UNKNOWN_NAME = 3
    AMBIGUOUS_NAME = 4
    INVALID_DATA = 5
    IO_ERROR = 6
    REMOTE_ERROR = 7
    QUERY_REFUSED = 8
    TIMEOUT = 9
    INTERNAL = 70
    HANGUP = 129
    INTERRUPTED = 130
    TERMINATED = 143


class ScoGraphWarning(UserWarning):
    """Something worked around (a rebuilt cache, an in-memory fallback) that a user should know of."""


def warn(message: str) -> None:
    """Report a worked-around problem; the CLI prints it as one line on stderr."""
    warnings.warn(message, ScoGraphWarning, stacklevel=2)


class Terminated(BaseException):
    """SIGTERM or SIGHUP arrived: unwind (so temporary files are removed), then exit 128 + the signal."""

    def __init__(self, signal_number: int, name: str) -> None:
        super().__init__(name)
        self.signal_number = signal_number
        self.name = name


class ScoGraphError(Exception):
    """Base of every error sco-graph reports to a user."""

    code: ExitCode = ExitCode.USAGE

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class UsageError(ScoGraphError):
    """A bad argument or option value (for example an impossible date)."""

    code = ExitCode.USAGE


class NoResultError(ScoGraphError):
    """The question is well-formed but the data holds no answer (for example no path)."""

    code = ExitCode.NO_RESULT


class UnknownNameError(ScoGraphError):
    """A name matches no entity."""

    code = ExitCode.UNKNOWN_NAME

    def __init__(self, message: str, suggestions: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.suggestions = suggestions


class AmbiguousNameError(ScoGraphError):
    """A name matches several entities and sco-graph will not pick one."""

    code = ExitCode.AMBIGUOUS_NAME

    def __init__(self, message: str, candidates: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.candidates = candidates


class DataError(ScoGraphError):
    """A data file cannot be parsed or read as RDF; the message names file:line:column."""

    code = ExitCode.INVALID_DATA

    def __init__(self, message: str, location: str | None = None, detail: str | None = None) -> None:
        super().__init__(f"{location}: {detail}" if location and detail else message)
        self.location = location
        self.detail = detail or message


class StorageError(ScoGraphError):
    """A file or folder cannot be read or written (missing, unreadable, disk full)."""

    code = ExitCode.IO_ERROR
