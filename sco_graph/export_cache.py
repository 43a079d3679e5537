"""RDF exports kept beside a compiled store, so exporting the same data again is a file copy.

Reading every triple back out of a large compiled store is slow (each term is a
lookup in RocksDB), far slower than copying a file. So the first RDF export of a
cache entry keeps its result in the entry's ``exports`` folder, and later exports
check it and copy it. A kept file starts with a fixed-size header line: a marker,
the layout version, the pyoxigraph version that wrote it, the format, and the
size and BLAKE2b digest of the body that follows. A file that fails any check is
rebuilt; one that cannot be written (a full or read-only disk) is simply not kept.
Work files live in a private folder there and are removed when the export ends;
those of a run that was killed are removed by the next export of the entry.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from sco_graph.cache.folder import is_real_dir
from sco_graph.export_files import Sink, Writer

FOLDER = "exports"
HEADER_SIZE = 256
MARKER = "sco-graph-export"
LAYOUT = 2  # bump when the content of a kept export changes for the same data
CHUNK = 1 << 20
_WORK_PREFIX = ".work-"


def _header(fmt: str, size: int, digest: str) -> bytes:
    import pyoxigraph

    line = f"{MARKER} {LAYOUT} pyoxigraph-{pyoxigraph.__version__} {fmt} {size} {digest}".encode()
    return line.ljust(HEADER_SIZE - 1) + b"\n"


class Recording:
    """A binary stream that counts and hashes what passes through it on the way to another."""

    def __init__(self, stream: Sink) -> None:
        self._stream = stream
        self._digest = hashlib.blake2b()
        self.size = 0

    def write(self, data: bytes) -> int:
        self._digest.update(data)
        self.size += len(data)
        self._stream.write(data)
        return len(data)

    def flush(self) -> None:
        pass  # the stream underneath is flushed by whoever owns it

    def hexdigest(self) -> str:
        return self._digest.hexdigest()


def write_kept(path: Path, fmt: str, produce: Writer) -> None:
    """Create ``path``: a header, then the body ``produce`` streams (its size and digest go in the header)."""
    with path.open("xb") as stream:
        stream.write(b" " * (HEADER_SIZE - 1) + b"\n")
        recording = Recording(stream)
        produce(recording)
        stream.seek(0)
        stream.write(_header(fmt, recording.size, recording.hexdigest()))


def open_kept(path: Path, fmt: str) -> BinaryIO | None:
    """The kept file at ``path``, checked whole and positioned at its body; None when it may not be used.

    It must be a regular file (never through a symbolic link) of this layout and
    pyoxigraph version, in ``fmt``, whose body has the size and digest its header states.
    """
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError:
        return None
    stream = os.fdopen(descriptor, "rb")
    try:
        info = os.fstat(descriptor)
        header = stream.read(HEADER_SIZE)
        if stat.S_ISREG(info.st_mode) and _sound(stream, header, fmt, info.st_size):
            stream.seek(HEADER_SIZE)
            return stream
    except OSError:
        pass
    stream.close()
    return None


def _sound(stream: BinaryIO, header: bytes, fmt: str, file_size: int) -> bool:
    fields = header.split()
    if len(header) != HEADER_SIZE or len(fields) != 6:
        return False
    stated = fields[-1].decode("ascii", errors="replace")
    if header != _header(fmt, file_size - HEADER_SIZE, stated):
        return False
    digest = hashlib.blake2b()
    while chunk := stream.read(CHUNK):
        digest.update(chunk)
    return digest.hexdigest() == stated


def copy_body(source: BinaryIO, stream: Sink) -> None:
    """Copy the rest of ``source`` into ``stream``; a failure to read is a storage error, not the output's."""
    from sco_graph.errors import StorageError

    while True:
        try:
            chunk = source.read(CHUNK)
        except OSError as error:
            raise StorageError(f"cannot read the kept export ({error.strerror or error})") from None
        if not chunk:
            return
        stream.write(chunk)


def kept_folder(entry: Path | None) -> Path | None:
    """The entry's folder of kept exports (created when missing); None without an entry or when it cannot be."""
    if entry is None:
        return None
    folder = entry / FOLDER
    with contextlib.suppress(OSError):
        folder.mkdir(exist_ok=True)
    return folder if is_real_dir(folder) else None


def keep(built: Path, folder: Path | None, fmt: str) -> Path:
    """Move a built file into the kept exports; where it ended up (left in place when it cannot be kept)."""
    if folder is None:
        return built
    try:
        built.replace(folder / fmt)
    except OSError:
        return built
    return folder / fmt


@contextlib.contextmanager
def workspace(folder: Path | None) -> Iterator[Path]:
    """A private folder for work files, in ``folder`` when it can be (so results can be kept by a rename)."""
    work: str | None = None
    if folder is not None:
        _sweep(folder)
        with contextlib.suppress(OSError):
            work = tempfile.mkdtemp(prefix=f"{_WORK_PREFIX}{os.getpid()}-", dir=folder)
    if work is None:
        work = tempfile.mkdtemp(prefix="sco-graph-export-")
    try:
        yield Path(work)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _sweep(folder: Path) -> None:
    """Remove the work folders that runs no longer alive left behind."""
    with contextlib.suppress(OSError):
        for child in folder.iterdir():
            owner = child.name[len(_WORK_PREFIX) :].partition("-")[0]
            stale = child.name.startswith(_WORK_PREFIX) and owner.isdigit() and not _alive(int(owner))
            if stale and is_real_dir(child):
                shutil.rmtree(child, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # another user's process
    return True
