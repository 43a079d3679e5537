"""Progress of long work (compiling a large dataset, a big export), told to whoever listens.

The core only announces tasks and advances them; the CLI installs a reporter that
draws a rich progress bar on a terminal's stderr, and none when output is piped.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Protocol


class Reporter(Protocol):
    def start(self, description: str, total: int | None) -> None: ...

    def advance(self, amount: int) -> None: ...

    def finish(self) -> None: ...


_reporter: Reporter | None = None


def set_reporter(reporter: Reporter | None) -> None:
    """Install (or, with None, remove) the reporter that shows progress."""
    global _reporter  # noqa: PLW0603 - one reporter per process, installed by the CLI
    _reporter = reporter


@contextmanager
def task(description: str, total: int | None = None) -> Iterator[Callable[[int], None]]:
    """A unit of long work; yields a function to call with the amount done since the last call."""
    reporter = _reporter
    if reporter is None:
        yield _ignore
        return
    reporter.start(description, total)
    try:
        yield reporter.advance
    finally:
        reporter.finish()


def _ignore(amount: int) -> None:
    del amount


def counting_reader(data: bytes, advance: Callable[[int], None]) -> io.BufferedReader:
    """A buffered byte stream over ``data`` that reports reading progress."""
    return io.BufferedReader(CountingReader(data, advance))


class CountingReader(io.RawIOBase):
    """A byte stream over ``data`` that reports how much has been read, so parsing shows progress."""

    def __init__(self, data: bytes, advance: Callable[[int], None]) -> None:
        self._data = memoryview(data)
        self._position = 0
        self._advance = advance

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        chunk = self._data[self._position : self._position + len(buffer)]
        buffer[: len(chunk)] = chunk
        self._position += len(chunk)
        self._advance(len(chunk))
        return len(chunk)


class RichReporter:
    """A transient rich progress bar on stderr (installed by the CLI only on a terminal)."""

    def __init__(self) -> None:
        self._progress: object | None = None
        self._task: object | None = None

    def start(self, description: str, total: int | None) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, DownloadColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

        columns = [SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn()]
        if total:
            columns.insert(3, DownloadColumn())
        progress = Progress(*columns, console=Console(stderr=True), transient=True)
        progress.start()
        self._task = progress.add_task(description, total=total)
        self._progress = progress

    def advance(self, amount: int) -> None:
        if self._progress is not None:
            self._progress.advance(self._task, amount)  # type: ignore[attr-defined]

    def finish(self) -> None:
        if self._progress is not None:
            self._progress.stop()  # type: ignore[attr-defined]
            self._progress = None
