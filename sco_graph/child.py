"""The confined child process: fork one, let it do its work, read its messages back within a deadline.

A :class:`Child` forks; the child confines itself (see :mod:`sco_graph.confine`:
it dies with its parent, its data memory is capped, it cannot reach the
network) and runs ``work(sender, sandboxed)``, sending messages through a
:class:`Sender` over a pipe: each message is its pickled length, then the
pickle. The parent unpickles built-in values only, so a child taken over by
what it runs still cannot run code in the parent.

The deadline covers every message. A child that dies of its memory cap
(Rust's allocation abort, ``MemoryError``, the OOM killer) is reported as
such, never as a bug; so are a stack overflow, a deadline passed and a
malformed message, each as one :class:`QueryTimeoutError`.
"""

from __future__ import annotations

import contextlib
import gc
import os
import re
import signal
import struct
import time
from collections.abc import Callable
from typing import IO, Any, NoReturn

from sco_graph.confine import die_with_parent, forbid_network, limit_memory
from sco_graph.errors import ExitCode, ScoGraphError

DEFAULT_MEMORY_MIB = 1024

_HEADER = struct.Struct("!Q")  # each message: its pickled length, then the pickle


class Sender:
    """The child's end of the pipe: :meth:`send` pickles one message to the parent."""

    def __init__(self, descriptor: int) -> None:
        self.descriptor = descriptor

    def send(self, message: object) -> None:
        import pickle

        data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
        view = memoryview(_HEADER.pack(len(data)) + data)
        while view:
            view = view[os.write(self.descriptor, view) :]

    def close(self) -> None:
        if self.descriptor >= 0:
            os.close(self.descriptor)
            self.descriptor = -1


# What the child does: ``work(sender, sandboxed)``, where ``sandboxed`` tells whether the network filter holds.
Work = Callable[[Sender, bool], None]


class QueryTimeoutError(ScoGraphError):
    """A query that ran past its time limit (or, as :class:`QueryMemoryError`, its memory limit)."""

    code = ExitCode.TIMEOUT


class QueryMemoryError(QueryTimeoutError):
    """A query that needed more memory than it was allowed."""


def memory_message(memory_mib: int) -> str:
    return f"the query needed more than {memory_mib} MiB of memory and was stopped; narrow it or raise --memory"


def _child(work: Work, pipe: tuple[int, int], errors: int, parent: int, memory_mib: int) -> NoReturn:
    """The forked child's whole life; it never returns into the parent's code."""
    status = 70
    try:
        import faulthandler

        gc.freeze()  # the parent's objects are never collected (and finalised) here
        faulthandler.disable()  # it would write a crash to the parent's stderr, past the errors file
        os.close(pipe[0])
        if not die_with_parent(parent):
            os._exit(status)
        null = os.open(os.devnull, os.O_RDWR)
        os.dup2(null, 0)
        os.dup2(null, 1)
        os.dup2(errors, 2)
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
        limit_memory(memory_mib)
        work(Sender(pipe[1]), forbid_network())
        status = 0
    except MemoryError:
        os.write(2, b"MemoryError\n")
    except BaseException:  # noqa: BLE001 - the parent reads it from the errors file
        try:
            import traceback

            os.write(2, traceback.format_exc().encode(errors="replace"))
        except BaseException:  # noqa: BLE001, S110 - nothing more can be done in a dying child
            pass
    finally:
        os._exit(status)


class Child:
    """A forked child running ``work(sender, sandboxed)``, and the messages it sends back, within a deadline."""

    def __init__(self, work: Work, timeout: float, memory_mib: int = DEFAULT_MEMORY_MIB) -> None:
        import tempfile

        self.timeout = timeout
        self.memory_mib = memory_mib
        self.deadline = time.monotonic() + timeout
        try:  # what the child writes to stderr, read when it dies; unnamed, so nothing is left behind
            self._errors: IO[bytes] = tempfile.TemporaryFile()  # noqa: SIM115 - closed with the child
        except OSError:
            self._errors = open(os.devnull, "w+b")  # noqa: PTH123, SIM115 - no diagnostics, still a clean error
        try:
            pipe = os.pipe()
        except OSError as error:
            self._errors.close()
            raise QueryTimeoutError(f"cannot start the query process ({error.strerror or error})") from None
        parent = os.getpid()
        try:
            pid = os.fork()
        except OSError as error:
            os.close(pipe[0])
            os.close(pipe[1])
            self._errors.close()
            raise QueryTimeoutError(f"cannot start the query process ({error.strerror or error})") from None
        if pid == 0:  # pragma: no cover - the child
            _child(work, pipe, self._errors.fileno(), parent, memory_mib)
        os.close(pipe[1])
        self.pid = pid
        self._reader = pipe[0]  # closed only by close(), exactly once
        self._pending = bytearray()
        self._status: int | None = None
        self._killed = False

    def receive(self) -> Any:
        """The child's next message; raise when the deadline passes or the child dies first."""
        try:
            size = _HEADER.unpack(self._read(_HEADER.size))[0]
            return _plain_data(self._read(size))
        except EOFError:
            raise self._death() from None
        except ValueError:  # not plain data: never trust, never run, what the child sends
            self.close()
            raise QueryTimeoutError("the query process sent a malformed answer and was stopped") from None
        except TimeoutError:
            self.close()
            raise QueryTimeoutError(
                f"the query ran longer than {self.timeout:g} s and was stopped; narrow it or raise --timeout"
            ) from None

    def _read(self, size: int) -> bytes:
        """Exactly ``size`` bytes from the pipe; EOFError when the child is gone, TimeoutError past the deadline."""
        import select

        while len(self._pending) < size:
            remaining = self.deadline - time.monotonic()
            if remaining <= 0 or not select.select([self._reader], [], [], remaining)[0]:
                raise TimeoutError
            chunk = os.read(self._reader, max(size - len(self._pending), 1 << 16))
            if not chunk:
                raise EOFError
            self._pending += chunk
        data = bytes(self._pending[:size])
        del self._pending[:size]
        return data

    def close(self) -> None:
        """Stop the child (if it still runs) and release what it held; safe to call again, and from finalisers."""
        if self._status is None:
            self._killed = True
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGKILL)  # not yet reaped, so the pid is still this child's
            try:
                self._status = os.waitpid(self.pid, 0)[1]
            except ChildProcessError:  # reaped by someone else (SIGCHLD ignored)
                self._status = -1
        if self._reader >= 0:
            os.close(self._reader)
            self._reader = -1
        self._errors.close()

    def _death(self) -> QueryTimeoutError:
        """The error that explains why the child ended without (finishing) its answer."""
        status = self._reap(grace=2.0)
        said = b""
        with contextlib.suppress(OSError, ValueError):
            self._errors.seek(0)
            said = self._errors.read(65536)
        self.close()
        code = os.waitstatus_to_exitcode(status) if status >= 0 else 0
        if (code == -signal.SIGKILL and not self._killed) or _OUT_OF_MEMORY.search(said):
            return QueryMemoryError(memory_message(self.memory_mib))
        if b"overflowed its stack" in said:
            return QueryTimeoutError("the query is nested too deeply and was stopped; simplify it")
        return QueryTimeoutError(f"the query process ended without an answer ({_status_text(code)})")

    def _reap(self, grace: float) -> int:
        """Wait for the child, which has closed its end of the pipe, to end; kill it after ``grace`` seconds."""
        until = time.monotonic() + grace
        while self._status is None and time.monotonic() < until:
            try:
                pid, status = os.waitpid(self.pid, os.WNOHANG)
            except ChildProcessError:
                pid, status = self.pid, -1
            if pid:
                self._status = status
            else:
                time.sleep(0.01)
        if self._status is None:
            self.close()
        assert self._status is not None
        return self._status


def _plain_data(data: bytes) -> Any:
    """Unpickle what the child sent, refusing anything but built-in values (no class, no callable: no code runs).

    The child runs untrusted queries; should one ever take it over, its
    messages still cannot run code in the parent.
    """
    import io
    import pickle

    class PlainData(pickle.Unpickler):
        def find_class(self, module: str, name: str) -> Any:
            raise pickle.UnpicklingError(f"{module}.{name} is not plain data")

    try:
        return PlainData(io.BytesIO(data)).load()
    except Exception as error:  # noqa: BLE001 - any failure to read it is a malformed message
        raise ValueError(str(error)) from None


# What Rust's allocation failure, Python, C++ (RocksDB) and the kernel say when memory runs out.
_OUT_OF_MEMORY = re.compile(rb"memory allocation|MemoryError|bad_alloc|out of memory")


def _status_text(code: int) -> str:
    if code >= 0:
        return f"status {code}"
    try:
        return f"signal {signal.Signals(-code).name}"
    except ValueError:
        return f"signal {-code}"
