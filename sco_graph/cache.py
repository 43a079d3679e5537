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
import shutil
import tempfile
from pathlib import Path

from sco_graph.errors import warn
from sco_graph.graph import read_entries
from sco_graph.load import content_hash, fingerprint, load_into
from sco_graph.nameindex import write_index
from sco_graph.store import LocalStore

# Bump when the layout of a compiled store changes; older entries are rebuilt.
FORMAT_VERSION = "2"
MARKER = "sco-graph-store"


def cache_root() -> Path:
    configured = os.environ.get("SCO_GRAPH_CACHE")
    if configured:
        return Path(configured)
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("sco-graph", appauthor=False))


def _read_index(root: Path) -> dict[str, str]:
    try:
        data = json.loads((root / "index.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {str(key): str(value) for key, value in data.items()} if isinstance(data, dict) else {}


def _write_index(root: Path, index: dict[str, str]) -> None:
    handle, temporary = tempfile.mkstemp(dir=root, prefix=".index-", suffix=".json")
    with os.fdopen(handle, "w", encoding="utf-8") as stream:
        json.dump(dict(sorted(index.items())[-64:]), stream)
    Path(temporary).replace(root / "index.json")


def _valid_entry(entry: Path) -> bool:
    try:
        return (entry / "marker").read_text(encoding="utf-8") == f"{MARKER} {FORMAT_VERSION}\n"
    except OSError:
        return False


def _build(files: list[Path], target: Path) -> None:
    """Parse ``files`` and write a compiled store at ``target`` atomically."""
    import pyoxigraph as ox

    parent = target.parent
    parent.mkdir(parents=True, exist_ok=True)
    building = Path(tempfile.mkdtemp(dir=parent, prefix=".build-"))
    try:
        store = ox.Store(str(building / "store"))
        load_into(store, files)  # a bad file raises here, and the half-built folder is removed
        store.flush()
        store.optimize()
        write_index(read_entries(LocalStore(store, "compiling")), building / "names.sqlite")
        del store
        (building / "marker").write_text(f"{MARKER} {FORMAT_VERSION}\n", encoding="utf-8")
        try:
            building.rename(target)
        except OSError:
            if not _valid_entry(target):  # another process won the race with a valid store
                raise
    finally:
        shutil.rmtree(building, ignore_errors=True)


def _in_memory(files: list[Path], description: str) -> tuple[LocalStore, None]:
    import pyoxigraph as ox

    store = ox.Store()
    load_into(store, files)
    return LocalStore(store, description), None


def open_compiled(files: list[Path], description: str) -> tuple[LocalStore, Path | None]:
    """Open the compiled store for ``files`` (compiling it first when needed) and its cache entry."""
    import pyoxigraph as ox

    root = cache_root()
    try:
        root.mkdir(parents=True, exist_ok=True)
        writable = os.access(root, os.W_OK)
    except OSError:
        writable = False
    if not writable:
        warn(f"cache folder {root} is not writable; working in memory")
        return _in_memory(files, description)

    quick = fingerprint(files)
    index = _read_index(root)
    key = index.get(quick) or content_hash(files, FORMAT_VERSION)
    entry = root / key
    if entry.exists() and not _valid_entry(entry):
        warn(f"cache entry {entry} is corrupt or foreign; rebuilding it")
        shutil.rmtree(entry, ignore_errors=True)
    try:
        if not entry.exists():
            _build(files, entry)
        store = ox.Store.read_only(str(entry / "store"))
    except OSError as error:
        warn(f"cache entry {entry} cannot be used ({error}); rebuilding it")
        shutil.rmtree(entry, ignore_errors=True)
        try:
            _build(files, entry)
            store = ox.Store.read_only(str(entry / "store"))
        except OSError as second:
            warn(f"cannot write the cache ({second}); working in memory")
            return _in_memory(files, description)
    if index.get(quick) != key:
        index[quick] = key
        with contextlib.suppress(OSError):  # the index only saves time; the store itself is in place
            _write_index(root, index)
    return LocalStore(store, description, str(entry / "store")), entry


def clear() -> int:
    """Delete every compiled store; return how many were removed."""
    root = cache_root()
    if not root.is_dir():
        return 0
    removed = 0
    for child in root.iterdir():
        if child.is_dir():
            shutil.rmtree(child, ignore_errors=True)
            removed += 1
        else:
            child.unlink(missing_ok=True)
    return removed
