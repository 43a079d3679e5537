"""One entry's ``marker``: the manifest written with it, and the checks made before it is served.

Each entry holds a ``marker`` whose manifest lists the entry's own key, its
inputs, and every file with its size (and a BLAKE2b checksum up to a
size), so a damaged, truncated or copied entry is rebuilt instead of served.
"""

from __future__ import annotations

import json
import os
import re
import stat
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sco_graph.cache.folder import MARKER, read_small
from sco_graph.cache.locks import LOCK

if TYPE_CHECKING:
    from collections.abc import Iterator

# Bump when the layout of a compiled store changes; older entries are rebuilt quietly.
FORMAT_VERSION = "5"
# The smallest files of an entry, up to this many bytes in all, are checksummed before it is served
# (about 1 ms per 2 MB); larger ones are checked by size, and RocksDB and SQLite detect damage in
# them when they are read.
CHECKSUM_BUDGET = 4 << 20

_SAFE_NAME = re.compile(r"[A-Za-z0-9_.-]{1,128}(/[A-Za-z0-9_.-]{1,128}){0,2}")


def _digest(path: Path) -> str:
    import hashlib

    with path.open("rb") as stream:
        return hashlib.file_digest(stream, "blake2b").hexdigest()


def _walk(folder: Path) -> Iterator[Path]:
    """Every file below ``folder`` except the lock and marker, without following links."""
    for directory, _, names in os.walk(folder):
        for name in names:
            path = Path(directory, name)
            if path.parent != folder or name not in (LOCK, "marker", "paths.bin"):
                yield path


def _stamp(info: os.stat_result) -> str:
    """What any write to a file changes: its inode, size, modification and change times (users cannot set ctime)."""
    return f"{info.st_ino}:{info.st_size}:{info.st_mtime_ns}:{info.st_ctime_ns}"


def _manifest(folder: Path, key: str, sizes: list[int]) -> dict[str, Any]:
    """The entry's key, its inputs' sizes, and each file's stamp and (the smallest first, within a budget) checksum.

    Checksums catch damage that leaves a file's times alone (a failing disk); stamps catch
    every write, also to files too large to checksum on each run (RocksDB does not always
    notice damaged tables itself, and pyoxigraph then reads garbage).
    """
    files = [(path.lstat(), path.relative_to(folder).as_posix()) for path in _walk(folder)]
    listed, budget = [], CHECKSUM_BUDGET
    for info, name in sorted(files, key=lambda item: (item[0].st_size, item[1])):
        checked = info.st_size <= budget
        budget -= info.st_size if checked else 0
        listed.append([name, _stamp(info), _digest(folder / name) if checked else None])
    return {"key": key, "inputs": sizes, "files": listed}


def write_marker(folder: Path, key: str, sizes: list[int]) -> None:
    """Write the ``marker`` of the entry built in ``folder``: the format version, then the manifest."""
    manifest = json.dumps(_manifest(folder, key, sizes))
    (folder / "marker").write_text(f"{MARKER} {FORMAT_VERSION}\n{manifest}\n", encoding="utf-8")


def _check_file(entry: Path, listed: object) -> bool:
    if not (isinstance(listed, list) and len(listed) == 3 and isinstance(listed[0], str)):
        return False
    name, stamp, digest = listed
    if not _SAFE_NAME.fullmatch(name) or ".." in name.split("/"):
        return False
    try:
        info = (entry / name).lstat()
    except OSError:
        return False
    if not stat.S_ISREG(info.st_mode) or _stamp(info) != stamp:
        return False
    return digest is None or _digest(entry / name) == digest


def read_manifest(entry: Path) -> dict[str, Any] | str:
    """The manifest in the entry's marker, or why there is none ("stale" for an older format)."""
    text = read_small(entry / "marker")
    if text is None or not text.startswith(MARKER):
        return "corrupt or foreign"
    first, _, rest = text.partition("\n")
    if first != f"{MARKER} {FORMAT_VERSION}":
        return "stale"
    try:
        manifest = json.loads(rest)
    except ValueError:
        return "corrupt or foreign"
    return manifest if isinstance(manifest, dict) else "corrupt or foreign"


def problem_with(entry: Path, sizes: list[int] | None) -> str | None:
    """Why ``entry`` may not be served ("stale" for an older format), or None when it is sound."""
    manifest = read_manifest(entry)
    if isinstance(manifest, str):
        return manifest
    if manifest.get("key") != entry.name:
        return "corrupt or foreign"
    if sizes is not None and manifest.get("inputs") != sizes:
        return "built from other data"
    listed = manifest.get("files")
    if not isinstance(listed, list) or not all(_check_file(entry, item) for item in listed):
        return "damaged"
    return None
