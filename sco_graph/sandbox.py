"""The query sandbox: a forked child answers one user query, cut off from the network, bounded in time and memory.

Before it touches the query, the child:

- asks the kernel to kill it when its parent dies (``PR_SET_PDEATHSIG``), so
  ``kill -9`` of sco-graph never leaves a query running;
- caps its data memory (``RLIMIT_DATA``: heap and private anonymous mappings,
  not the database files RocksDB maps) at what it already uses plus
  ``memory_mib``;
- installs a seccomp filter under which ``socket()`` fails with EACCES for every
  address family but AF_UNIX, and io_uring (which could open sockets past the
  filter) does not exist, so neither Python nor pyoxigraph's own HTTP client
  (SERVICE) can reach the network. Where the filter cannot be installed (not
  Linux x86_64 or aarch64), a query that mentions SERVICE at all is refused.

Rows come back over a pipe in batches and are decoded only as the renderer
reads them, so a result of a million rows never sits in the parent's memory.
The deadline covers the whole query, streaming included. A child that dies of
its memory cap (Rust's allocation abort, ``MemoryError``, the OOM killer) is
reported as such, never as a bug.
"""

from __future__ import annotations

import contextlib
import gc
import os
import re
import signal
import struct
import time
from collections.abc import Callable, Iterator
from typing import IO, Any, NoReturn

from sco_graph.errors import ExitCode, ScoGraphError, UsageError
from sco_graph.escape import one_line
from sco_graph.results import SparqlResult
from sco_graph.terms import IRI, BlankNode, Literal, Term

DEFAULT_MEMORY_MIB = 1024
ROWS_PER_BATCH = 1000
MIB = 1_048_576

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


# ------------------------------------------------------------------ the network filter
_PR_SET_PDEATHSIG = 1
_PR_SET_SECCOMP = 22
_PR_SET_NO_NEW_PRIVS = 38
_SECCOMP_MODE_FILTER = 2
_AF_UNIX = 1
# Machine name: (AUDIT_ARCH_* of the native ABI, number of socket()); io_uring_setup is 425 on both.
_ARCHES = {"x86_64": (0xC000003E, 41), "aarch64": (0xC00000B7, 198)}
_IO_URING_SETUP = 425
_X32_BIT = 0x40000000  # x86_64's x32 ABI: the same kernel, other syscall numbers
_ALLOW = 0x7FFF0000
_DENY = 0x00050000 | 13  # SECCOMP_RET_ERRNO | EACCES
_NO_SUCH_CALL = 0x00050000 | 38  # SECCOMP_RET_ERRNO | ENOSYS
_LOAD, _JEQ, _JGE, _RETURN = 0x20, 0x15, 0x35, 0x06  # BPF_LD|W|ABS, BPF_JMP|JEQ|K, BPF_JMP|JGE|K, BPF_RET|K


def network_filter(arch: int, socket_call: int) -> bytes:
    """A classic-BPF seccomp program: ``socket()`` for any family but AF_UNIX fails with EACCES.

    System calls of another ABI (i386 or x32 on x86_64) fail with EACCES, and
    ``io_uring_setup`` with ENOSYS; everything else is allowed.
    """
    program = [
        (_LOAD, 0, 0, 4),  # 0: A = seccomp_data.arch
        (_JEQ, 1, 0, arch),  # 1: native ABI -> 3
        (_RETURN, 0, 0, _DENY),  # 2: another ABI
        (_LOAD, 0, 0, 0),  # 3: A = seccomp_data.nr
        (_JGE, 5, 0, _X32_BIT),  # 4: x32 -> 10
        (_JEQ, 0, 2, socket_call),  # 5: socket() -> 6, else -> 8
        (_LOAD, 0, 0, 16),  # 6: A = low 32 bits of args[0], the address family (the kernel reads an int)
        (_JEQ, 1, 2, _AF_UNIX),  # 7: AF_UNIX -> 9, else -> 10
        (_JEQ, 2, 0, _IO_URING_SETUP),  # 8: io_uring_setup -> 11
        (_RETURN, 0, 0, _ALLOW),  # 9
        (_RETURN, 0, 0, _DENY),  # 10
        (_RETURN, 0, 0, _NO_SUCH_CALL),  # 11
    ]
    return b"".join(struct.pack("=HBBI", code, true, false, k) for code, true, false, k in program)


def _prctl(*arguments: int) -> bool:
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    values = [ctypes.c_ulong(value) for value in arguments[1:]] + [ctypes.c_ulong(0)] * (5 - len(arguments))
    return int(libc.prctl(ctypes.c_int(arguments[0]), *values)) == 0


def forbid_network() -> bool:
    """From now on, this process (and its threads) cannot open network sockets; True when the kernel enforces it."""
    spec = _ARCHES.get(os.uname().machine)
    if spec is None or struct.calcsize("P") != 8:
        return False
    import ctypes

    code = network_filter(*spec)
    buffer = ctypes.create_string_buffer(code, len(code))
    program = struct.pack("=HxxxxxxQ", len(code) // 8, ctypes.addressof(buffer))  # struct sock_fprog
    fprog = ctypes.create_string_buffer(program, len(program))
    if not _prctl(_PR_SET_NO_NEW_PRIVS, 1):
        return False
    if not _prctl(_PR_SET_SECCOMP, _SECCOMP_MODE_FILTER, ctypes.addressof(fprog)):
        return False
    return _network_is_closed()


def _network_is_closed() -> bool:
    import socket

    try:
        socket.socket(socket.AF_INET, socket.SOCK_STREAM).close()
    except PermissionError:
        return True
    return False


# ------------------------------------------------------------------ the child process
def _data_size() -> int:
    """This process's data segment (VmData) in bytes, 0 when /proc cannot tell."""
    try:
        descriptor = os.open("/proc/self/status", os.O_RDONLY)
        try:
            status = os.read(descriptor, 65536)
        finally:
            os.close(descriptor)
        for line in status.splitlines():
            if line.startswith(b"VmData:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0


def limit_memory(memory_mib: int) -> None:
    """Let this process's data grow by at most ``memory_mib`` MiB beyond what it holds now."""
    import resource

    _, hard = resource.getrlimit(resource.RLIMIT_DATA)
    cap = _data_size() + memory_mib * MIB
    if hard != resource.RLIM_INFINITY:
        cap = min(cap, hard)
    resource.setrlimit(resource.RLIMIT_DATA, (cap, hard))


def _child(work: Work, pipe: tuple[int, int], errors: int, parent: int, memory_mib: int) -> NoReturn:
    """The forked child's whole life; it never returns into the parent's code."""
    status = 70
    try:
        import faulthandler

        gc.freeze()  # the parent's objects are never collected (and finalised) here
        faulthandler.disable()  # it would write a crash to the parent's stderr, past the errors file
        os.close(pipe[0])
        _prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
        if os.getppid() != parent:  # the parent died before the line above took effect
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
        if (code == -signal.SIGKILL and not self._killed) or re.search(
            rb"memory allocation|MemoryError|bad_alloc|out of memory", said
        ):
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
_OUT_OF_MEMORY = re.compile(rb"memory allocation of \d+ bytes failed|MemoryError|bad_alloc|out of memory")


def _status_text(code: int) -> str:
    if code >= 0:
        return f"status {code}"
    try:
        return f"signal {signal.Signals(-code).name}"
    except ValueError:
        return f"signal {-code}"


# ------------------------------------------------------------------ the answer, child side
def _encoder() -> Callable[[object], object]:
    """Turns a pyoxigraph term into a compact picklable value: IRI -> str, blank node -> (id,), literal -> 3-tuple."""
    import pyoxigraph as ox

    named, literal, blank = ox.NamedNode, ox.Literal, ox.BlankNode

    def encode(term: Any) -> object:
        kind = type(term)
        if kind is named:
            return term.value
        if term is None:
            return None
        if kind is literal:
            return (term.value, term.datatype.value, term.language)
        if kind is blank:
            return (term.value,)
        raise TypeError(f"sco-graph cannot show a {kind.__name__} term")

    return encode


def _encoded_rows(answer: object) -> tuple[str, tuple[str, ...], Iterator[tuple[object, ...]]]:
    import pyoxigraph as ox

    encode = _encoder()
    if isinstance(answer, ox.QuerySolutions):
        variables = tuple(variable.value for variable in answer.variables)
        columns = range(len(variables))
        return "select", variables, (tuple([encode(row[i]) for i in columns]) for row in answer)
    assert isinstance(answer, ox.QueryTriples)
    rows = ((encode(t.subject), encode(t.predicate), encode(t.object)) for t in answer)
    return "graph", ("subject", "predicate", "object"), rows


def send_answer(answer: object, limit: int, sender: Sender) -> None:
    """In the child: send a pyoxigraph answer as a header, batches of encoded rows, and the end (truncated?).

    The first row is computed before the header goes out, so that most
    evaluation errors arrive before the parent has written anything.
    """
    import itertools

    import pyoxigraph as ox

    if isinstance(answer, ox.QueryBoolean):
        sender.send(("ask", bool(answer)))
        return
    kind, variables, rows = _encoded_rows(answer)
    first = list(itertools.islice(rows, 1))
    sender.send((kind, variables))
    batch: list[tuple[object, ...]] = []
    truncated = False
    for count, row in enumerate(itertools.chain(first, rows)):
        if count == limit:
            truncated = True
            break
        batch.append(row)
        if len(batch) == ROWS_PER_BATCH:
            sender.send(("rows", batch))
            batch = []
    if batch:
        sender.send(("rows", batch))
    sender.send(("end", truncated))


# ------------------------------------------------------------------ the answer, parent side
def _decode(value: Any) -> Term:
    if type(value) is str:
        return IRI(value)
    if len(value) == 1:
        return BlankNode(value[0])
    return Literal._make(value)


def _failure(kind: str, payload: Any, child: Child, line_offset: int) -> ScoGraphError:
    """The error a child reported instead of (the rest of) an answer."""
    from sco_graph.sparql import QueryRefusedError, syntax_message

    if kind == "syntax":
        return UsageError(syntax_message(str(payload), line_offset))
    if kind == "memory":
        return QueryMemoryError(memory_message(child.memory_mib))
    if kind == "refused":
        return QueryRefusedError(one_line(str(payload)))
    return UsageError(f"the query failed: {one_line(str(payload))}")


def _message(child: Child) -> tuple[str, Any]:
    """The child's next message as (kind, payload); anything else is a malformed answer."""
    message = child.receive()
    if not (isinstance(message, tuple) and len(message) == 2 and isinstance(message[0], str)):
        child.close()
        raise QueryTimeoutError("the query process sent a malformed answer and was stopped")
    return message


class RowStream:
    """The rows of one answer as the child sends them: iterate once; ``truncated`` is known at the end."""

    def __init__(self, child: Child, variables: tuple[str, ...], line_offset: int) -> None:
        self._child = child
        self._variables = variables
        self._line_offset = line_offset
        self._started = False
        self.truncated = False

    def __iter__(self) -> Iterator[dict[str, Term]]:
        if self._started:
            raise RuntimeError("the rows of a streamed SPARQL result can be read only once")
        self._started = True
        return self._rows()

    def _rows(self) -> Iterator[dict[str, Term]]:
        names = self._variables
        try:
            while True:
                kind, payload = _message(self._child)
                if kind == "end":
                    self.truncated = bool(payload)
                    return
                if kind != "rows":
                    raise _failure(kind, payload, self._child, self._line_offset)
                try:
                    rows = [{name: _decode(value) for name, value in zip(names, row, strict=True) if value is not None}
                            for row in payload]  # fmt: skip
                except (TypeError, ValueError, IndexError):
                    raise QueryTimeoutError("the query process sent a malformed answer and was stopped") from None
                yield from rows
        finally:
            self._child.close()

    def close(self) -> None:
        """Stop the query when its rows are no longer wanted."""
        self._child.close()

    def __del__(self) -> None:
        with contextlib.suppress(Exception):  # a finaliser never prints; the child dies with sco-graph anyway
            self._child.close()


def run_query(work: Work, limit: int, timeout: float, memory_mib: int, line_offset: int = 0) -> SparqlResult:
    """Run ``work`` (which calls :func:`send_answer`) in a sandboxed child; rows stream in as they are read."""
    child = Child(work, timeout, memory_mib)
    try:
        kind, payload = _message(child)
        if kind in ("select", "graph"):
            variables = tuple(str(name) for name in payload)
            return SparqlResult(kind, variables, RowStream(child, variables, line_offset), None, False, limit)
    except BaseException:
        child.close()
        raise
    child.close()
    if kind == "ask":
        return SparqlResult("ask", (), (), bool(payload), limit=limit)
    raise _failure(kind, payload, child, line_offset)


def oxigraph_syntax_error(query: str, timeout: float = 10.0) -> str | None:
    """Oxigraph's own syntax error for ``query``, asked in a sandboxed child; None when it parses or cannot be asked."""

    def parse(sender: Sender, sandboxed: bool) -> None:
        import pyoxigraph as ox

        if not sandboxed:  # an ASK is evaluated at once, and might reach out
            sender.send(("unknown", None))
            return
        try:
            ox.Store().query(query)
        except SyntaxError as error:
            sender.send(("syntax", str(error)))
            return
        except Exception:  # noqa: BLE001, S110 - it parsed; what evaluation over no data does is irrelevant
            pass
        sender.send(("parsed", None))

    child = Child(parse, timeout, 256)
    try:
        kind, payload = _message(child)
    except QueryTimeoutError:
        return None
    finally:
        child.close()
    return str(payload) if kind == "syntax" else None
