"""Finding and strictly parsing data files.

Files are parsed with pyoxigraph, which rejects invalid Turtle and N-Triples
and reports the file, line and column. Everything is parsed before anything is
used, so a bad file never leaves a half-loaded graph behind.

The name ``-`` stands for standard input: it is read once, held in memory and
parsed as :attr:`StandardInput.format` (Turtle unless told otherwise). Its
compiled store is keyed by the hash of the bytes read, never by a file's
status, so piping other data in never finds a stale store.
"""

from __future__ import annotations

import errno
import os
import stat
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from sco_graph.dates import DATATYPE_PRECISION, PartialDate
from sco_graph.errors import DataError, ScoGraphError, StorageError, UsageError
from sco_graph.escape import one_line

if TYPE_CHECKING:
    import hashlib

    import pyoxigraph

# File endings sco-graph reads, and the RDF format of each.
FORMATS: dict[str, str] = {
    ".ttl": "turtle",
    ".turtle": "turtle",
    ".nt": "ntriples",
    ".jsonld": "jsonld",
}
# The formats data on standard input may be given in (--input-format).
INPUT_FORMATS = ("turtle", "ntriples", "jsonld")
# The name of standard input in a list of data paths, and how messages call it.
STDIN_PATH = Path("-")
STDIN_NAME = "<stdin>"
# Files in the bundled data folder that describe the data rather than being part of it.
NOT_DATA = {"shapes.ttl"}
# pyoxigraph's parser refuses a single token (a literal, an IRI) longer than this.
TOKEN_LIMIT = 16 << 20
# Errors of the disk rather than of the data: a compiled store that cannot be written falls back to memory.
STORAGE_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EIO, errno.EROFS, errno.EACCES, errno.EPERM, errno.ENOENT}
_STORAGE_WORDS = ("io error", "no space left", "disk quota", "read-only file system", "disk is full", "disk i/o error")


class CacheWriteError(StorageError):
    """The compiled store could not be written or read (disk full, I/O error); the data itself is fine."""


def storage_failure(error: BaseException) -> bool:
    """Whether ``error`` (from pyoxigraph, SQLite or the OS) is a failure of the disk rather than of the data."""
    if isinstance(error, CacheWriteError):
        return True
    if isinstance(error, OSError) and error.errno in STORAGE_ERRNOS:
        return True
    text = str(error).lower()
    return any(word in text for word in _STORAGE_WORDS)


class StandardInput:
    """Data piped to standard input: read at most once per run, then served from memory."""

    def __init__(self) -> None:
        self.format = "turtle"
        self._data: bytes | None = None

    def restart(self, fmt: str = "turtle") -> None:
        """Forget what was read (a new run in the same process) and parse what comes next as ``fmt``."""
        self.choose(fmt)
        self._data = None

    def choose(self, fmt: str) -> None:
        """Parse standard input as ``fmt`` (turtle, ntriples or jsonld)."""
        if fmt not in INPUT_FORMATS:
            raise UsageError(f"--input-format must be one of {', '.join(INPUT_FORMATS)} ({one_line(fmt)!r} given)")
        self.format = fmt

    def read(self) -> bytes:
        """Every byte of standard input (read on the first call only)."""
        if self._data is None:
            stream = sys.stdin.buffer if sys.stdin is not None else None
            if stream is None:
                raise StorageError(f"{STDIN_NAME}: standard input is closed")
            try:
                self._data = stream.read()
            except OSError as error:
                raise StorageError(f"{STDIN_NAME}: cannot read ({error.strerror or error})") from None
            except MemoryError:
                raise StorageError(f"{STDIN_NAME}: too large to read into memory") from None
        return self._data

    def identity(self) -> str:
        """What besides the bytes decides the triples: the format and the base that relative IRIs resolve against."""
        return f"{STDIN_PATH}\0{self.format}\0{base_iri(STDIN_PATH)}"


STDIN = StandardInput()


def is_stdin(path: Path) -> bool:
    return path == STDIN_PATH


def base_iri(path: Path) -> str:
    """Where relative IRIs resolve: the file itself, or for standard input the working folder."""
    return Path.cwd().as_uri() + "/" if is_stdin(path) else path.resolve().as_uri()


def shown(path: Path | str, limit: int = 160) -> str:
    """A path for a one-line message: control characters escaped, an over-long path shortened in the middle."""
    if isinstance(path, Path) and is_stdin(path):
        return STDIN_NAME
    text = one_line(str(path))
    return text if len(text) <= limit else f"{text[: limit // 2]}...{text[-limit // 2 :]}"


def bundled_data_dir() -> Path:
    """The folder of the curated dataset: package data when installed, ``data/`` in a checkout."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "data", here.parent / "data"):
        if (candidate / "ontology.ttl").is_file():
            return candidate
    raise StorageError("the bundled dataset is missing: reinstall sco-graph")


def bundled_files() -> list[Path]:
    folder = bundled_data_dir()
    return sorted(path for path in folder.rglob("*.ttl") if path.name not in NOT_DATA)


def shapes_file() -> Path:
    return bundled_data_dir() / "shapes.ttl"


def _mode(path: Path) -> int:
    """The file type of ``path`` (symbolic links followed); a clean error when it cannot be looked at."""
    try:
        return path.stat().st_mode
    except (FileNotFoundError, NotADirectoryError):
        raise StorageError(f"{shown(path)}: no such file or folder") from None
    except OSError as error:  # a name too long, a loop of links, a folder that cannot be searched
        raise StorageError(f"{shown(path)}: cannot read ({error.strerror or error})") from None


def _files_below(folder: Path) -> list[Path]:
    try:
        children = sorted(folder.rglob("*"))
    except OSError as error:
        raise StorageError(f"{shown(folder)}: cannot read ({error.strerror or error})") from None
    found = [child for child in children if child.suffix.lower() in FORMATS and child.is_file()]
    if not found:
        raise DataError(f"{shown(folder)}: the folder holds no .ttl, .nt or .jsonld file")
    return found


def collect(paths: list[Path]) -> list[Path]:
    """Expand folders into the RDF files below them; check that every file exists and is a regular file.

    A FIFO, a device (``/dev/zero``) or a socket is refused before it is opened, so a
    data path can never hang a run or fill the memory. ``-`` is standard input, read
    here in full (a later ``-`` adds nothing).
    """
    files: list[Path] = []
    for path in paths:
        if is_stdin(path):
            STDIN.read()
            if STDIN_PATH not in files:
                files.append(STDIN_PATH)
            continue
        mode = _mode(path)
        if stat.S_ISDIR(mode):
            files.extend(_files_below(path))
        elif stat.S_ISREG(mode):
            if path.suffix.lower() not in FORMATS:
                raise DataError(
                    f"{shown(path)}: unknown file type {one_line(path.suffix) or '(none)'}; use .ttl, .nt or .jsonld"
                )
            files.append(path)
        else:
            raise StorageError(f"{shown(path)}: not a regular file or folder")
    return files  # as the user named them: messages quote them so, symbolic links unresolved


def read_bytes(path: Path) -> bytes:
    """The bytes of a regular file; anything else (a FIFO, a device) is refused without blocking on it."""
    if is_stdin(path):
        return STDIN.read()
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except PermissionError:
        raise StorageError(f"{shown(path)}: permission denied") from None
    except OSError as error:
        raise StorageError(f"{shown(path)}: cannot read ({error.strerror or error})") from None
    with os.fdopen(descriptor, "rb") as stream:
        try:
            if not stat.S_ISREG(os.fstat(descriptor).st_mode):
                raise StorageError(f"{shown(path)}: not a regular file")
            return stream.read()
        except OSError as error:
            raise StorageError(f"{shown(path)}: cannot read ({error.strerror or error})") from None
        except MemoryError:
            raise StorageError(f"{shown(path)}: too large to read into memory") from None


def decode(path: Path, raw: bytes) -> str:
    """``raw`` as UTF-8 text (a byte-order mark is allowed); invalid bytes are reported at file:line:column."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line, column = _position(raw, error.start)
        raise DataError(
            "", f"{shown(path)}:{line}:{column}", f"not UTF-8 text (byte 0x{raw[error.start]:02x})"
        ) from None


def read_text(path: Path) -> str:
    """Read a data file as UTF-8 (a byte-order mark is allowed)."""
    return decode(path, read_bytes(path))


def _position(raw: bytes, offset: int) -> tuple[int, int]:
    """The 1-based line and column of byte ``offset``."""
    return raw.count(b"\n", 0, offset) + 1, offset - (raw.rfind(b"\n", 0, offset) + 1) + 1


def _format(path: Path) -> pyoxigraph.RdfFormat:
    import pyoxigraph as ox

    return {
        "turtle": ox.RdfFormat.TURTLE,
        "ntriples": ox.RdfFormat.N_TRIPLES,
        "jsonld": ox.RdfFormat.JSON_LD,
    }[STDIN.format if is_stdin(path) else FORMATS[path.suffix.lower()]]


def parse_file(path: Path) -> list[pyoxigraph.Quad]:
    """Parse one file strictly; relative IRIs resolve against the file's own location."""
    return list(checked_quads(path, read_text(path)))


def parse_into(store: pyoxigraph.Store, path: Path) -> int:
    """Parse one file strictly into ``store`` and return its triple count; a bad file adds nothing.

    The quads stream from the parser into the store in one atomic insertion, so no
    Python list of the whole file is ever built.
    """
    counted = 0

    def counting(quads: Iterator[pyoxigraph.Quad]) -> Iterator[pyoxigraph.Quad]:
        nonlocal counted
        for quad in quads:
            counted += 1
            yield quad

    store.extend(counting(checked_quads(path, read_text(path))))
    return counted


def checked_quads(path: Path, text: str) -> Iterator[pyoxigraph.Quad]:
    """The quads of ``text`` (the content of ``path``), parsed strictly, with impossible dates refused.

    Syntax errors become :class:`DataError` at file:line:column, and an impossible date
    (2023-02-30 in an xsd:date, xsd:gYearMonth or xsd:gYear literal) one naming the file.
    """
    import pyoxigraph as ox

    literal = ox.Literal
    bad_date: DataError | None = None  # reported once the whole file has parsed: a syntax error comes first
    try:
        for quad in ox.parse(text, format=_format(path), base_iri=base_iri(path)):
            term = quad.object
            if bad_date is None and type(term) is literal and term.datatype.value in DATATYPE_PRECISION:
                bad_date = _date_problem(path, quad)
            yield quad
    except SyntaxError as error:
        message = _clean_message(error.msg or str(error))
        raise DataError("", f"{shown(path)}:{error.lineno or 1}:{max(1, error.offset or 1)}", message) from None
    except (ValueError, OSError) as error:  # JSON-LD errors carry no position
        raise DataError("", f"{shown(path)}:1:1", _clean_message(str(error))) from None
    except MemoryError as error:
        raise _too_long(path, text.encode("utf-8"), len(text.encode("utf-8")), error) from None
    if bad_date is not None:
        raise bad_date


def _clean_message(message: str) -> str:
    """pyoxigraph prefixes its own position; keep only the description."""
    text = " ".join(message.split())
    if ": " in text and text.startswith("Parser error at"):
        return text.split(": ", 1)[1]
    return text


def _date_problem(path: Path, quad: pyoxigraph.Quad) -> DataError | None:
    """The error for an impossible date (2023-02-30) in an xsd:date, xsd:gYearMonth or xsd:gYear literal."""
    term = quad.object
    try:
        PartialDate.from_literal(term.value, term.datatype.value)  # type: ignore[union-attr]
    except ValueError as error:
        return DataError("", shown(path), f"ill-typed literal in a triple about {quad.subject}: {error}")
    return None


_DATE_PROPERTIES = " ".join(
    f"<{iri}>"
    for iri in (
        "https://w3id.org/sco-graph/def#date",
        "https://w3id.org/sco-graph/def#endDate",
        "https://w3id.org/sco-graph/def#notAfter",
        "https://w3id.org/sco-graph/def#start",
        "https://w3id.org/sco-graph/def#end",
        "https://w3id.org/sco-graph/def#attested",
        "https://schema.org/datePublished",
    )
)
# Dates the model reads that are not real dates of their datatype (the cast fails), carry a time zone,
# or fall outside the years 0001 to 9999 that sco-graph can compare and print.
_BAD_DATES = f"""SELECT ?s ?o WHERE {{
  VALUES ?p {{ {_DATE_PROPERTIES} }}
  ?s ?p ?o .
  FILTER(isLiteral(?o) && datatype(?o) IN (xsd:date, xsd:gYearMonth, xsd:gYear))
  BIND(IF(datatype(?o) = xsd:date, xsd:date(str(?o)),
       IF(datatype(?o) = xsd:gYear, xsd:gYear(str(?o)), xsd:gYearMonth(str(?o)))) AS ?ok)
  FILTER(!BOUND(?ok) || !REGEX(STR(?o), "^[0-9]{{4}}(-[0-9]{{2}}){{0,2}}$") || STRSTARTS(STR(?o), "0000")) }} LIMIT 1"""


def _too_long(path: Path, data: bytes, consumed: int, error: MemoryError) -> ScoGraphError:
    """A token over the parser's limit: report where it starts (it began at least the limit before)."""
    if "maximal size" not in str(error):
        return StorageError(f"{shown(path)}: not enough memory to load the file")
    inside = max(0, min(len(data), consumed) - TOKEN_LIMIT)  # the parser had buffered the limit of one token
    line_start = data.rfind(b"\n", 0, inside) + 1
    opening = max(data.rfind(mark, line_start, inside + 1) for mark in (b'"', b"'", b"<"))
    line, column = _position(data, opening if opening >= 0 else inside)
    return DataError("", f"{shown(path)}:{line}:{column}", "a literal or IRI longer than 16 MB (the parser's limit)")


def _bulk_load(store: pyoxigraph.Store, file: Path, data: bytes) -> None:
    """Load one file's bytes; data errors become :class:`DataError`, disk errors :class:`CacheWriteError`."""
    from sco_graph.progress import counting_reader, task

    consumed = [0]
    try:
        with task(f"Compiling {STDIN_NAME if is_stdin(file) else file.name}", total=len(data)) as report:

            def advance(amount: int) -> None:
                consumed[0] += amount
                report(amount)

            reader = counting_reader(data, advance)
            store.bulk_load(input=reader, format=_format(file), base_iri=base_iri(file))
    except SyntaxError as error:
        message = _clean_message(error.msg or str(error))
        raise DataError("", f"{shown(file)}:{error.lineno or 1}:{max(1, error.offset or 1)}", message) from None
    except MemoryError as error:
        raise _too_long(file, data, consumed[0], error) from None
    except (OSError, RuntimeError) as error:
        if storage_failure(error):
            raise CacheWriteError(f"cannot write the compiled store ({one_line(str(error))})") from None
        raise DataError("", f"{shown(file)}:1:1", _clean_message(str(error))) from None
    except ValueError as error:
        raise DataError("", f"{shown(file)}:1:1", _clean_message(str(error))) from None


def load_into(store: pyoxigraph.Store, files: list[Path], seen: Callable[[Path, bytes], None] | None = None) -> None:
    """Load ``files`` into a fresh ``store`` strictly; the caller discards the store on error.

    Each file is read once; ``seen`` gets the very bytes that are loaded (the cache
    hashes them, so a compiled store's key always matches its content). Parsing and
    loading run inside pyoxigraph, without a Python object per triple, so a million
    triples load in seconds.
    """
    import pyoxigraph as ox

    for file in files:
        raw = read_bytes(file)
        if seen is not None:
            seen(file, raw)
        decode(file, raw)  # only to refuse bytes that are not UTF-8, at their line and column
        _bulk_load(store, file, raw.removeprefix(b"\xef\xbb\xbf"))  # a byte-order mark is allowed
    answer = store.query("PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>\n" + _BAD_DATES)
    assert isinstance(answer, ox.QuerySolutions)
    bad = list(answer)
    if bad:
        for file in files:  # the slow path, only on error: find the file that says it
            parse_file(file)
        solution = bad[0]
        assert isinstance(solution, ox.QuerySolution)
        raise DataError(f"ill-typed date {solution['o']} in a triple about {solution['s']}")


def file_stats(files: list[Path]) -> list[os.stat_result]:
    """Each file's status, for :func:`fingerprint`; standard input's is made up, changed just now."""
    found = []
    for file in files:
        if is_stdin(file):
            now = time.time_ns()
            seconds = now // 1_000_000_000
            fields = (stat.S_IFREG | 0o400, 0, 0, 1, 0, 0, len(STDIN.read()), seconds, seconds, seconds)
            found.append(os.stat_result((*fields, seconds, seconds, seconds, now, now, now)))
            continue
        try:
            found.append(file.stat())
        except OSError as error:
            raise StorageError(f"{shown(file)}: cannot read ({error.strerror or error})") from None
    return found


def fingerprint(files: list[Path], stats: list[os.stat_result] | None = None) -> str:
    """A cheap key from each file's path, device, inode, size, modification and change times.

    The change time (ctime) cannot be set by users, so an unchanged fingerprint
    proves unchanged content, provided it was recorded after the last change
    had settled (see :mod:`sco_graph.cache.index`).
    """
    import hashlib

    parts = ["sco-graph-fingerprint-2"]
    for file, info in zip(files, stats or file_stats(files), strict=True):
        if is_stdin(file):  # no status to trust: the content itself (its change time is now, so never recorded)
            parts.append(f"{STDIN.identity()}|{hashlib.sha256(STDIN.read()).hexdigest()}")
            continue
        parts.append(f"{file}|{info.st_dev}|{info.st_ino}|{info.st_size}|{info.st_mtime_ns}|{info.st_ctime_ns}")
    return "\n".join(parts)


class ContentHash:
    """The key of a compiled store: a SHA-256 of the format version and of each input file's path and bytes."""

    def __init__(self, version: str) -> None:
        import hashlib

        self._digest: hashlib._Hash = hashlib.sha256(f"sco-graph-content-{version}\0".encode())
        self.sizes: list[int] = []

    def update(self, file: Path, data: bytes) -> None:
        where = STDIN.identity() if is_stdin(file) else file.absolute()  # the same file from any folder
        self._digest.update(f"{where}\0".encode())
        self._digest.update(data)
        self._digest.update(b"\0")
        self.sizes.append(len(data))

    def hexdigest(self) -> str:
        return self._digest.hexdigest()


def content_hash(files: list[Path], version: str) -> str:
    """The key of a compiled store: the content (and location) of every input file."""
    digest = ContentHash(version)
    for file in files:
        digest.update(file, read_bytes(file))
    return digest.hexdigest()
