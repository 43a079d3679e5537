"""Opening the compiled store for some data files: found, verified, built when needed, or kept in memory.

The store is found through the fingerprint index or, failing that, the hash of
the files' bytes, and compiled when no sound entry holds them. An entry is
verified against its manifest and locked for the run before it is served; a bad
one is removed and rebuilt, and damage found while reading it removes it with a
clean I/O error. A cache that cannot be written (disk full, read-only) falls
back to memory with a warning.
"""

from __future__ import annotations

import contextlib
import stat
import time
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from sco_graph.cache.build import build
from sco_graph.cache.folder import cache_root, claim, is_real_dir
from sco_graph.cache.index import read_index, settled, write_index
from sco_graph.cache.locks import LOCK, hold
from sco_graph.cache.manifest import FORMAT_VERSION, problem_with, read_manifest
from sco_graph.cache.removal import discard
from sco_graph.errors import StorageError, warn
from sco_graph.load import CacheWriteError, content_hash, file_stats, fingerprint, load_into, shown
from sco_graph.store import LocalStore

if TYPE_CHECKING:
    from collections.abc import Mapping

    import pyoxigraph

    from sco_graph.resolve import Names
    from sco_graph.terms import Row, Term

_warned: set[str] = set()


def _warn_once(message: str) -> None:
    if message not in _warned:
        _warned.add(message)
        warn(message)


def _in_memory(files: list[Path], description: str) -> tuple[LocalStore, None]:
    import pyoxigraph as ox

    store = ox.Store()
    load_into(store, files)
    return LocalStore(store, description), None


class CompiledStore(LocalStore):
    """A store served from a cache entry: damage found while reading it removes the entry cleanly."""

    def __init__(self, store: pyoxigraph.Store, description: str, location: str | None, entry: Path) -> None:
        super().__init__(store, description, location)
        self.entry = entry

    def select(self, query: str, bindings: Mapping[str, Term] | None = None) -> list[Row]:
        try:
            return super().select(query, bindings)
        except (OSError, RuntimeError) as error:
            if self.location is None:  # a snapshot loaded into memory: nothing on disk to blame
                raise
            damaged(self.entry, error)


def damaged(entry: Path, error: BaseException) -> NoReturn:
    """Remove an entry found damaged while in use, and stop with a clean I/O error."""
    discard(entry)
    detail = " ".join(str(error).split())[:200]
    raise StorageError(
        f"the compiled store {shown(entry)} is damaged ({detail}); it was removed and will be rebuilt on the next run"
    )


def _open_entry(entry: Path, description: str) -> CompiledStore:
    """The entry's store: a small snapshot loaded into memory, or the RocksDB database opened read-only."""
    import pyoxigraph as ox

    snapshot = entry / "snapshot.nq"
    if snapshot.is_file():
        store = ox.Store()
        store.load(input=snapshot.read_bytes(), format=ox.RdfFormat.N_QUADS)
        return CompiledStore(store, description, None, entry)
    location = str(entry / "store")
    return CompiledStore(ox.Store.read_only(location), description, location, entry)


def _is_regular(path: Path) -> bool:
    try:
        return stat.S_ISREG(path.lstat().st_mode)
    except OSError:
        return False


def _reject(entry: Path, problem: str) -> None:
    """Move an entry that may not be served out of the way; say so unless it is merely of an older format."""
    if problem != "stale":
        warn(f"cache entry {shown(entry)} is {problem}; rebuilding it")
    discard(entry)


def _serve(root: Path, key: str, description: str, sizes: list[int] | None) -> CompiledStore | None:
    """The sound entry ``key``, locked for this run; a bad one is removed and None returned."""
    entry = root / key
    if not hold(entry):
        if is_real_dir(entry) and not _is_regular(entry / LOCK):  # no lock file: damaged, or an old format
            manifest = read_manifest(entry)
            _reject(entry, manifest if isinstance(manifest, str) else "damaged")
        return None
    problem = problem_with(entry, sizes)
    if problem is not None:
        _reject(entry, problem)
        return None
    try:
        return _open_entry(entry, description)
    except (OSError, RuntimeError, SyntaxError, ValueError) as error:
        warn(f"cache entry {shown(entry)} cannot be used ({' '.join(str(error).split())[:200]}); rebuilding it")
        discard(entry)
        return None


def _compiled(root: Path, files: list[Path], description: str) -> CompiledStore:
    taken = time.time_ns()
    before = file_stats(files)
    quick = fingerprint(files, before)
    index = read_index(root)
    sizes = [info.st_size for info in before]
    known = index.get(quick)
    store = _serve(root, known, description, sizes) if known else None
    if store is None:
        key = content_hash(files, FORMAT_VERSION)
        store = _serve(root, key, description, None)
        if store is None:
            key = build(root, files)
            store = _serve(root, key, description, None)
        if store is None:
            raise CacheWriteError("the compiled store vanished while it was being opened")
        # The key is the hash of bytes read between the two looks at the files: when both agree and
        # the files had settled, those bytes are the files' content, and the fingerprint may find it.
        if index.get(quick) != key and settled(before, taken) and fingerprint(files) == quick:
            index[quick] = key
            with contextlib.suppress(OSError):  # the index only saves time; the store itself is in place
                write_index(root, index)
    return store


def open_compiled(files: list[Path], description: str) -> tuple[LocalStore, Path | None]:
    """Open the compiled store for ``files`` (compiling it first when needed) and its cache entry."""
    import sqlite3

    root = cache_root()
    refusal = claim(root)
    if refusal is not None:
        _warn_once(f"{refusal}; working in memory")
        return _in_memory(files, description)
    try:
        store = _compiled(root, files, description)
    except (OSError, RuntimeError, sqlite3.Error, CacheWriteError) as error:
        if isinstance(error, StorageError) and not isinstance(error, CacheWriteError):
            raise  # an input file that cannot be read: the data's problem, not the cache's
        detail = " ".join(str(error).split())[:200]
        _warn_once(f"cannot use the cache folder {shown(root)} ({detail}); working in memory")
        return _in_memory(files, description)
    return store, store.entry


def open_names(entry: Path) -> Names:
    """The entry's name index; damage found while reading it removes the entry cleanly."""
    from sco_graph.nameindex import IndexedNames

    return IndexedNames(entry / "names.sqlite", lambda error: damaged(entry, error))
