"""The compiled store: data files parsed once, kept on disk, reopened in milliseconds.

A compiled store lives in the user cache folder (``SCO_GRAPH_CACHE`` overrides
it) under a key that hashes the content and location of every input file, so
edited data is picked up on the next run. A cheap fingerprint (path, size,
modification time) finds the key without reading the files again. A build is
written into a temporary folder and renamed into place, so a crash or a
concurrent run never leaves a half-built store; a corrupt or foreign entry is
rebuilt with a warning, and an unwritable cache folder falls back to memory.
"""

from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from sco_graph.errors import warn
from sco_graph.load import content_hash, fingerprint, load_into
from sco_graph.store import LocalStore

if TYPE_CHECKING:
    import pyoxigraph

# Bump when the layout of a compiled store changes; older entries are rebuilt quietly.
FORMAT_VERSION = "3"
# Up to this many triples a store is kept as an N-Quads snapshot and loaded into memory, which
# takes a few milliseconds, less than opening a RocksDB database; larger ones stay in RocksDB.
SNAPSHOT_LIMIT = 5000
MARKER = "sco-graph-store"


def cache_root() -> Path:
    configured = os.environ.get("SCO_GRAPH_CACHE")
    if configured:
        return Path(configured)
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("sco-graph", appauthor=False))


def _remove(path: Path) -> None:
    import shutil

    if path.is_dir():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def _read_index(root: Path) -> dict[str, str]:
    try:
        data = json.loads((root / "index.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {str(key): str(value) for key, value in data.items()} if isinstance(data, dict) else {}


def _write_index(root: Path, index: dict[str, str]) -> None:
    import tempfile

    handle, temporary = tempfile.mkstemp(dir=root, prefix=".index-", suffix=".json")
    with os.fdopen(handle, "w", encoding="utf-8") as stream:
        json.dump(dict(list(index.items())[-64:]), stream)
    Path(temporary).replace(root / "index.json")


def _marker(entry: Path) -> str | None:
    try:
        return (entry / "marker").read_text(encoding="utf-8")
    except OSError:
        return None


def _build(files: list[Path], target: Path) -> None:
    """Load ``files`` into a new compiled store at ``target``, atomically."""
    import tempfile

    import pyoxigraph as ox

    from sco_graph.graph import read_entries
    from sco_graph.nameindex import write_index

    target.parent.mkdir(parents=True, exist_ok=True)
    building = Path(tempfile.mkdtemp(dir=target.parent, prefix=".build-"))
    try:
        store = ox.Store(str(building / "store"))
        load_into(store, files)  # a bad file raises here, and the half-built folder is removed
        store.flush()
        store.optimize()
        write_index(read_entries(LocalStore(store, "compiling")), building / "names.sqlite")
        if len(store) <= SNAPSHOT_LIMIT:
            store.dump(str(building / "snapshot.nq"), format=ox.RdfFormat.N_QUADS)
        del store
        (building / "marker").write_text(f"{MARKER} {FORMAT_VERSION}\n", encoding="utf-8")
        try:
            building.rename(target)
        except OSError:
            if _marker(target) != f"{MARKER} {FORMAT_VERSION}\n":  # unless a concurrent run won the race
                raise
    finally:
        _remove(building)


def _in_memory(files: list[Path], description: str) -> tuple[LocalStore, None]:
    import pyoxigraph as ox

    store = ox.Store()
    load_into(store, files)
    return LocalStore(store, description), None


def _writable(root: Path) -> bool:
    try:
        root.mkdir(parents=True, exist_ok=True)
    except OSError:
        return False
    return os.access(root, os.W_OK)


def _usable_entry(entry: Path) -> bool:
    """Whether ``entry`` is a complete store of this version; stale or broken ones are removed."""
    if not entry.exists():
        return False
    marker = _marker(entry)
    if marker == f"{MARKER} {FORMAT_VERSION}\n":
        return True
    if marker is None or not marker.startswith(MARKER):
        warn(f"cache entry {entry} is corrupt or foreign; rebuilding it")
    _remove(entry)
    return False


def open_compiled(files: list[Path], description: str) -> tuple[LocalStore, Path | None]:
    """Open the compiled store for ``files`` (compiling it first when needed) and its cache entry."""

    root = cache_root()
    if not _writable(root):
        warn(f"cache folder {root} is not writable; working in memory")
        return _in_memory(files, description)
    quick = fingerprint(files)
    index = _read_index(root)
    key = index.get(quick) or content_hash(files, FORMAT_VERSION)
    entry = root / key
    try:
        if not _usable_entry(entry):
            _build(files, entry)
        store, location = _open_entry(entry)
    except (OSError, RuntimeError, SyntaxError) as error:  # pyoxigraph reports a damaged database as RuntimeError
        warn(f"cache entry {entry} cannot be used ({' '.join(str(error).split())}); rebuilding it")
        _remove(entry)
        try:
            _build(files, entry)
            store, location = _open_entry(entry)
        except (OSError, RuntimeError, SyntaxError) as second:
            warn(f"cannot write the cache ({second}); working in memory")
            return _in_memory(files, description)
    if index.get(quick) != key:
        index[quick] = key
        with contextlib.suppress(OSError):  # the index only saves time; the store itself is in place
            _write_index(root, index)
    return LocalStore(store, description, location), entry


def _open_entry(entry: Path) -> tuple[pyoxigraph.Store, str | None]:
    """The entry's store: a small snapshot loaded into memory, or the RocksDB database opened read-only."""
    import pyoxigraph as ox

    snapshot = entry / "snapshot.nq"
    if snapshot.exists():
        store = ox.Store()
        store.load(input=snapshot.read_bytes(), format=ox.RdfFormat.N_QUADS)
        return store, None
    return ox.Store.read_only(str(entry / "store")), str(entry / "store")


class CacheInfo(NamedTuple):
    folder: str
    entries: int
    bytes: int

    def as_json(self) -> dict[str, object]:
        return {"query": "cache-info", "folder": self.folder, "entries": self.entries, "bytes": self.bytes}


def info() -> CacheInfo:
    """Where compiled stores live, how many there are and how much room they take."""
    root = cache_root()
    entries = [child for child in root.iterdir() if child.is_dir()] if root.is_dir() else []
    size = sum(file.stat().st_size for entry in entries for file in entry.rglob("*") if file.is_file())
    return CacheInfo(str(root), len(entries), size)


def clear() -> int:
    """Delete every compiled store; return how many were removed."""
    root = cache_root()
    if not root.is_dir():
        return 0
    removed = 0
    for child in root.iterdir():
        removed += child.is_dir()
        _remove(child)
    return removed
