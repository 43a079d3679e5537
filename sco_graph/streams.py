"""The process's standard streams: every write to standard output is checked.

A full disk, ``/dev/full``, a failing device or a closed standard output turns
into a :class:`~sco_graph.errors.StorageError` (exit 6) at the write that
failed, never a silently truncated answer with exit 0. A reader that goes away
(``| head -n 1``) raises :class:`ReaderGone`, which the CLI treats as a normal
end. Standard descriptors that were closed when sco-graph started are
pointed at ``/dev/null``, so no file sco-graph opens can take their numbers
and receive output meant for the terminal.
"""

from __future__ import annotations

import errno
import os
import sys
from typing import IO, Any

from sco_graph.errors import StorageError


class ReaderGone(Exception):  # noqa: N818 - an event, not a fault
    """The program reading standard output closed it (``| head``): not an error, just the end.

    Deliberately not an ``OSError``: click turns a broken pipe into exit 1.
    """


def _failure(error: OSError) -> Exception:
    if isinstance(error, BrokenPipeError) or error.errno == errno.EPIPE:
        return ReaderGone("the reader of standard output went away")
    reason = error.strerror or str(error)
    return StorageError(f"cannot write to standard output: {reason}; the output is incomplete")


class _Closed:
    """Standard output that was closed before sco-graph started: every write fails cleanly."""

    def write(self, *_: object) -> int:
        raise StorageError("standard output is closed; redirect it to a file or use --output")

    def flush(self) -> None:
        """Nothing was written, so there is nothing to lose."""

    def isatty(self) -> bool:
        return False

    @property
    def buffer(self) -> _Closed:
        return self


class Checked:
    """A stream wrapper whose writes and flushes raise domain errors instead of bare ``OSError``."""

    def __init__(self, stream: Any) -> None:
        self._stream = stream

    def write(self, data: Any) -> int:
        """Write all of ``data``: a short write is retried, so its cause (a full disk, a gone reader) surfaces."""
        if not data:  # still asked of the stream: callers probe text or bytes with an empty write
            try:
                return int(self._stream.write(data) or 0)
            except OSError as error:
                raise _failure(error) from None
        view = memoryview(data) if isinstance(data, bytes | bytearray) else data
        done = 0
        while done < len(data):
            try:
                written = self._stream.write(view[done:] if done else view)
            except OSError as error:
                raise _failure(error) from None
            if not isinstance(written, int):
                return len(data)
            if written <= 0:
                raise StorageError("cannot write to standard output: the write made no progress")
            done += written
        return len(data)

    def flush(self) -> None:
        try:
            self._stream.flush()
        except OSError as error:
            raise _failure(error) from None

    @property
    def buffer(self) -> Checked:
        return Checked(self._stream.buffer)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def reopen_closed_descriptors() -> None:
    """Point closed descriptors 0, 1 and 2 at /dev/null, so files opened later cannot take their numbers."""
    for descriptor in (0, 1, 2):
        try:
            os.fstat(descriptor)
        except OSError:
            opened = os.open(os.devnull, os.O_RDWR)
            if opened != descriptor:
                os.dup2(opened, descriptor)
                os.close(opened)


def checked_stdout() -> IO[str]:
    """The current standard output, wrapped so that a failed write is an error (exit 6)."""
    current = sys.stdout
    if current is None:
        return _Closed()  # type: ignore[return-value]
    if isinstance(current, Checked):
        return current  # type: ignore[return-value]
    return Checked(current)  # type: ignore[return-value]


def silence_stdout() -> None:
    """After the reader went away: send what is still buffered to /dev/null so exiting cannot fail again."""
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, sys.__stdout__.fileno() if sys.__stdout__ else 1)
        os.close(null)
    except (OSError, ValueError):
        pass
