"""Output files: where an export's parts go, what may be written over, and writing them atomically.

A file is written to a temporary sibling and renamed into place, so a failed or
interrupted write leaves no partial file and never replaces a good one; an
existing file is only replaced with ``force``. Files get the user's umask.
A part is either bytes or a writer that streams into the open file, so a large
export never has to be held in memory.
"""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import BinaryIO, Protocol, TypeVar

from sco_graph.errors import StorageError, UsageError


class Sink(Protocol):
    """Where a writer streams bytes: an open binary file, standard output, or a wrapper around one."""

    def write(self, data: bytes, /) -> int: ...


Writer = Callable[[Sink], None]  # streams one file's content
Content = bytes | Writer
_Part = TypeVar("_Part")


def output_paths(output: Path, parts: Mapping[str, _Part]) -> dict[Path, _Part]:
    """Where each part goes: the main part at ``output``, others beside it (``name.nodes.csv``)."""
    placed = {}
    for suffix, data in parts.items():
        placed[output if not suffix else output.with_name(f"{output.stem}{suffix}{output.suffix}")] = data
    return placed


def _kind(path: Path) -> str:
    """What is at ``path``: "missing", "file", or the name of something sco-graph never replaces."""
    import stat

    try:
        mode = path.stat().st_mode  # follows a symbolic link: its target is what would be written over
    except FileNotFoundError:
        return "missing" if not path.is_symlink() else "a dangling symbolic link"
    except OSError as error:
        raise UsageError(f"cannot use {path} as the output: {error.strerror or error}") from None
    if stat.S_ISREG(mode):
        return "file"
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a regular file"


def check_target(path: Path, force: bool = False) -> None:
    """Refuse, before any work, an output that exists (without ``force``) or is not a regular file."""
    kind = _kind(path)
    if kind == "file" and not force:
        raise UsageError(f"{path} exists; use --force to overwrite it")
    if kind not in ("missing", "file"):
        raise UsageError(f"{path} is {kind}; sco-graph writes only regular files (give a file name)")
    try:
        is_folder = path.parent.is_dir()
    except OSError as error:
        raise UsageError(f"cannot use {path} as the output: {error.strerror or error}") from None
    if not is_folder:
        raise StorageError(f"{path.parent}: no such folder")


def _publish(temporary: Path, path: Path, force: bool) -> bool:
    """Move ``temporary`` to ``path``; without ``force`` never over a file that appeared meanwhile.

    Returns whether ``path`` is a file this call created (so a later failure may remove it).
    """
    if force:
        check_target(path, force=True)  # it may have turned into a folder or a pipe while we worked
        temporary.replace(path)
        return False
    try:
        os.link(temporary, path)  # atomic, and fails if anything is there: no window to clobber a new file
    except FileExistsError:
        raise UsageError(f"{path} appeared while the output was being written; it was left alone") from None
    except OSError as error:
        if error.errno not in (errno.EPERM, errno.EOPNOTSUPP, errno.EMLINK, errno.EXDEV):
            raise
        _copy_exclusive(temporary, path)  # a file system without hard links
    return True


def _copy_exclusive(temporary: Path, path: Path) -> None:
    import shutil

    try:
        handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    except FileExistsError:
        raise UsageError(f"{path} appeared while the output was being written; it was left alone") from None
    try:
        with os.fdopen(handle, "wb") as stream, temporary.open("rb") as source:
            shutil.copyfileobj(source, stream, 1 << 20)
            stream.flush()
            os.fsync(stream.fileno())
    except BaseException:
        path.unlink(missing_ok=True)
        raise


def _fill(stream: BinaryIO, content: Content) -> None:
    if isinstance(content, bytes):
        stream.write(content)
    else:
        content(stream)


def write_atomic(files: Mapping[Path, Content], force: bool = False) -> dict[Path, int]:
    """Write every file through a temporary sibling and a rename; refuse to overwrite without ``force``.

    Each file's content is bytes or a writer that streams into it. Only regular
    files are ever written or replaced. Without ``force``, a file that appears
    while the data is being written is not overwritten. On any failure or
    signal the temporaries are removed, and so is any output file this call had
    already created. Returns the size of each file written.
    """
    for path in files:
        check_target(path, force)
    mask = os.umask(0)
    os.umask(mask)
    temporaries: list[tuple[Path, Path]] = []
    created: list[Path] = []
    sizes: dict[Path, int] = {}
    current = next(iter(files))
    done = False
    try:
        for current, content in files.items():
            handle, name = tempfile.mkstemp(dir=current.parent, prefix=f".{current.name[:200]}.", suffix=".tmp")
            temporaries.append((Path(name), current))
            with os.fdopen(handle, "wb") as stream:
                _fill(stream, content)
                stream.flush()
                os.fsync(stream.fileno())
                sizes[current] = stream.tell()
            Path(name).chmod(0o666 & ~mask)
        for temporary, current in temporaries:
            if _publish(temporary, current, force):
                created.append(current)
        done = True
    except OSError as error:
        raise StorageError(f"cannot write {current}: {error.strerror or error}") from None
    finally:
        for temporary, _ in temporaries:
            with contextlib.suppress(OSError):
                temporary.unlink()
        if not done:
            for path in created:
                with contextlib.suppress(OSError):
                    path.unlink()
    return sizes
