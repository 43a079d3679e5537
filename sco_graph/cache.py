"""The compiled store: data files parsed once, kept on disk, reopened in milliseconds.

A compiled store lives in the cache folder (``SCO_GRAPH_CACHE`` overrides the
user cache folder) under a key that hashes the bytes it was built from, so
edited data is picked up on the next run. A cheap fingerprint (device, inode,
size, modification and change times) finds the key without reading the files
again; it is recorded only once the files' last change is safely in the past.

The cache touches only what it made. Its folder carries a ``CACHEDIR.TAG``
with a sco-graph line; a folder that is neither missing, empty, already tagged
nor holding only sco-graph's own entries is never written into (runs work in
memory, ``cache clear`` refuses). Keys read from ``index.json`` must be 64 hex
digits, entries are always ``root / key``, symbolic links are never followed,
and only children named by sco-graph's own patterns and carrying its marker
are ever deleted.

Each entry holds a ``marker`` whose manifest lists the entry's own key, its
inputs, and every file with its size (and a BLAKE2b checksum up to a size), so
a damaged, truncated or copied entry is rebuilt instead of served. A build is
written into a locked ``.build-*`` folder and renamed into place; readers hold
a shared lock on the entry's ``lock`` file for the life of the process, and
``clear`` removes only entries it can lock exclusively. A cache that cannot
be written (disk full, read-only) falls back to memory with a warning.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import re
import shutil
import stat
import time
import traceback
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, NoReturn

from sco_graph.errors import StorageError, warn
from sco_graph.load import CacheWriteError, ContentHash, content_hash, file_stats, fingerprint, load_into, shown
from sco_graph.store import LocalStore

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping

    import pyoxigraph

    from sco_graph.resolve import Names
    from sco_graph.terms import Row, Term

# Bump when the layout of a compiled store changes; older entries are rebuilt quietly.
FORMAT_VERSION = "4"
# Up to this many triples a store is kept as an N-Quads snapshot and loaded into memory, which
# takes a few milliseconds, less than opening a RocksDB database; larger ones stay in RocksDB.
SNAPSHOT_LIMIT = 5000
MARKER = "sco-graph-store"
ROOT_TAG = "CACHEDIR.TAG"
TAG_SIGNATURE = "Signature: 8a477f597d28d172789f06886806bc55"
TAG_LINE = "sco-graph-cache 1"
TAG_TEXT = (
    f"{TAG_SIGNATURE}\n"
    "# This file is a cache directory tag created by sco-graph (https://bford.info/cachedir/).\n"
    f"# {TAG_LINE}\n"
)
KEY = re.compile(r"[0-9a-f]{64}")
BUILD = re.compile(r"\.build-[A-Za-z0-9_]{1,64}")
TRASH = re.compile(r"\.trash-[0-9a-f]{64}-[0-9]{1,20}-[0-9]{1,20}")
INDEX_TEMPORARY = re.compile(r"\.index-[A-Za-z0-9_]{1,64}\.json")
LOCK = "lock"
# The smallest files of an entry, up to this many bytes in all, are checksummed before it is served
# (about 1 ms per 2 MB); larger ones are checked by size, and RocksDB and SQLite detect damage in
# them when they are read.
CHECKSUM_BUDGET = 4 << 20
# A build or temporary file this old without a lock holder was abandoned by a killed run.
ABANDONED_AFTER = 60.0
# A fingerprint is recorded only when every file last changed at least this long ago (the
# "racy git" rule: a change within the timestamp granularity would not move the fingerprint).
SETTLED_NS = 2_000_000_000
INDEX_SIZE = 64

_warned: set[str] = set()
_held: dict[str, int] = {}  # entry folder -> descriptor holding its shared lock until the process ends


def cache_root() -> Path:
    configured = os.environ.get("SCO_GRAPH_CACHE")
    if configured:
        return Path(configured)
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("sco-graph", appauthor=False))


def _warn_once(message: str) -> None:
    if message not in _warned:
        _warned.add(message)
        warn(message)


# ------------------------------------------------------------------ owning the root
def _read_small(path: Path, limit: int = 1 << 20) -> str | None:
    """A small regular file's text, never through a symbolic link; None when absent or not one."""
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError:
        return None
    with os.fdopen(descriptor, "rb") as stream:
        try:
            if not stat.S_ISREG(os.fstat(descriptor).st_mode):
                return None
            return stream.read(limit).decode("utf-8", errors="replace")
        except OSError:
            return None


def _tagged(root: Path) -> bool:
    text = _read_small(root / ROOT_TAG, 4096)
    return text is not None and text.startswith(TAG_SIGNATURE) and TAG_LINE in text


def _is_real_dir(path: Path) -> bool:
    try:
        return stat.S_ISDIR(path.lstat().st_mode)
    except OSError:
        return False


def _legacy_child(child: Path) -> bool:
    """Whether ``child`` is something an earlier sco-graph (before the tag) left in its cache folder."""
    name = child.name
    if name == "index.json" or INDEX_TEMPORARY.fullmatch(name):
        return True
    if not _is_real_dir(child):
        return False
    if BUILD.fullmatch(name):
        return True
    marker = _read_small(child / "marker", 4096)
    return bool(KEY.fullmatch(name)) and marker is not None and marker.startswith(MARKER)


def _write_tag(root: Path) -> str | None:
    """Tag ``root`` as sco-graph's cache folder; None when done, else why it could not be."""
    tag = root / ROOT_TAG
    try:
        descriptor = os.open(tag, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644)
    except FileExistsError:
        return None if _tagged(root) else "holds a CACHEDIR.TAG of another program"
    except OSError as error:
        return f"is not writable ({error.strerror or error})"
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as stream:
            stream.write(TAG_TEXT)
    except OSError as error:
        tag.unlink(missing_ok=True)  # a half-written tag would make the folder look foreign
        return f"is not writable ({error.strerror or error})"
    return None


def _claim(root: Path) -> str | None:
    """Make ``root`` sco-graph's cache folder if it may be; otherwise say why it may not."""
    try:
        if not root.is_dir():
            root.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        return f"cache folder {shown(root)} cannot be created ({error.strerror or error})"
    if _tagged(root):
        return None
    try:
        children = list(root.iterdir())
    except OSError as error:
        return f"cache folder {shown(root)} cannot be read ({error.strerror or error})"
    if not all(_legacy_child(child) for child in children):
        return f"cache folder {shown(root)} holds files sco-graph did not create; set SCO_GRAPH_CACHE to a new folder"
    problem = _write_tag(root)
    return None if problem is None else f"cache folder {shown(root)} {problem}"


# ------------------------------------------------------------------ locks
def _open_lock(path: Path) -> int | None:
    try:
        return os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError:
        return None


def _try_lock(descriptor: int, operation: int) -> bool:
    try:
        fcntl.flock(descriptor, operation | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


def _hold(entry: Path) -> bool:
    """Take a shared lock on ``entry`` for the life of the process; False when it is not (or no longer) in place."""
    held = _held.get(str(entry))
    if held is not None:
        if _in_place(entry, held):
            return True
        _release(entry)
    if not _is_real_dir(entry):
        return False
    descriptor = _open_lock(entry / LOCK)
    if descriptor is None:
        return False
    with contextlib.suppress(OSError):
        fcntl.flock(descriptor, fcntl.LOCK_SH)  # waits only while a clear moves the entry away
    if not _in_place(entry, descriptor):
        os.close(descriptor)
        return False
    _held[str(entry)] = descriptor
    return True


def _in_place(entry: Path, descriptor: int) -> bool:
    """Whether the lock file open as ``descriptor`` is still the one in ``entry`` (not moved or replaced)."""
    try:
        return os.path.samestat(os.fstat(descriptor), (entry / LOCK).lstat()) and _is_real_dir(entry)
    except OSError:
        return False


def _release(entry: Path) -> None:
    descriptor = _held.pop(str(entry), None)
    if descriptor is not None:
        os.close(descriptor)


# ------------------------------------------------------------------ manifests
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


_SAFE_NAME = re.compile(r"[A-Za-z0-9_.-]{1,128}(/[A-Za-z0-9_.-]{1,128}){0,2}")


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


def _read_manifest(entry: Path) -> dict[str, Any] | str:
    """The manifest in the entry's marker, or why there is none ("stale" for an older format)."""
    text = _read_small(entry / "marker")
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


def _problem(entry: Path, sizes: list[int] | None) -> str | None:
    """Why ``entry`` may not be served ("stale" for an older format), or None when it is sound."""
    manifest = _read_manifest(entry)
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


# ------------------------------------------------------------------ removing safely
def _remove_tree(path: Path) -> None:
    """Delete a folder sco-graph made; a symbolic link is never followed (only unlinked)."""
    try:
        info = path.lstat()
    except OSError:
        return
    if stat.S_ISDIR(info.st_mode):
        shutil.rmtree(path, ignore_errors=True)  # rmtree works through descriptors and never follows links
    else:
        with contextlib.suppress(OSError):
            path.unlink()


def _trash_name(key: str) -> str:
    return f".trash-{key}-{os.getpid()}-{time.monotonic_ns()}"


def _discard(entry: Path) -> None:
    """Move a bad entry out of the way (other runs may still read it), then delete it if nobody does."""
    _release(entry)
    trash = entry.parent / _trash_name(entry.name)
    try:
        entry.rename(trash)
    except OSError:
        return
    _remove_if_free(trash)


def _remove_if_free(folder: Path, grace: float = 0.0) -> bool:
    """Delete a sco-graph folder unless a run holds its lock (or it is younger than ``grace`` seconds)."""
    descriptor = _open_lock(folder / LOCK)
    if descriptor is None:
        try:
            if time.time() - folder.lstat().st_mtime < grace:
                return False
        except OSError:
            return False
        _remove_tree(folder)
        return True
    try:
        if not _try_lock(descriptor, fcntl.LOCK_EX):
            return False
        _remove_tree(folder)
        return True
    finally:
        os.close(descriptor)


def _sweep(root: Path) -> int:
    """Remove what killed runs left behind: unlocked builds and trash, old index temporaries."""
    swept = 0
    with contextlib.suppress(OSError):
        for child in root.iterdir():
            name = child.name
            if (BUILD.fullmatch(name) or TRASH.fullmatch(name)) and _is_real_dir(child):
                swept += _remove_if_free(child, grace=ABANDONED_AFTER)
            elif INDEX_TEMPORARY.fullmatch(name) and not child.is_symlink():
                with contextlib.suppress(OSError):
                    if time.time() - child.lstat().st_mtime > ABANDONED_AFTER:
                        child.unlink()
    return swept


# ------------------------------------------------------------------ the fingerprint index
def _read_index(root: Path) -> dict[str, str]:
    text = _read_small(root / "index.json", 1 << 20)
    try:
        data = json.loads(text) if text else {}
    except ValueError:
        return {}
    if not isinstance(data, dict):
        return {}
    return {key: value for key, value in data.items() if isinstance(value, str) and KEY.fullmatch(value)}


def _write_index(root: Path, index: dict[str, str]) -> None:
    import tempfile

    handle, name = tempfile.mkstemp(dir=root, prefix=".index-", suffix=".json")
    temporary = Path(name)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            json.dump(dict(list(index.items())[-INDEX_SIZE:]), stream)
        temporary.replace(root / "index.json")
    finally:
        temporary.unlink(missing_ok=True)


def _settled(stats: list[os.stat_result], taken: int) -> bool:
    """Whether every file's last change was well before ``taken`` (when ``stats`` were read).

    A later change then moves the change time by more than any timestamp granularity,
    so an equal fingerprint proves equal content.
    """
    return all(taken - max(info.st_ctime_ns, info.st_mtime_ns) >= SETTLED_NS for info in stats)


# ------------------------------------------------------------------ building
def _create_lock(folder: Path) -> int:
    descriptor = os.open(folder / LOCK, os.O_RDONLY | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644)
    fcntl.flock(descriptor, fcntl.LOCK_EX)
    return descriptor


def _compile(files: list[Path], building: Path) -> tuple[str, list[int]]:
    """Compile ``files`` into the folder ``building``; return the key of the bytes that were loaded."""
    import pyoxigraph as ox

    from sco_graph.graph import read_entries
    from sco_graph.nameindex import write_index

    digest = ContentHash(FORMAT_VERSION)
    store = ox.Store(str(building / "store"))
    load_into(store, files, digest.update)
    store.flush()
    store.optimize()
    write_index(read_entries(LocalStore(store, "compiling")), building / "names.sqlite")
    small = len(store) <= SNAPSHOT_LIMIT
    if small:
        store.dump(str(building / "snapshot.nq"), format=ox.RdfFormat.N_QUADS)
    del store
    if small:
        shutil.rmtree(building / "store")
    return digest.hexdigest(), digest.sizes


def _build(root: Path, files: list[Path]) -> str:
    """Compile ``files`` into a new entry, atomically; return its key (the hash of what was loaded)."""
    import tempfile

    _sweep(root)
    building = Path(tempfile.mkdtemp(dir=root, prefix=".build-"))
    lock: int | None = None
    try:
        lock = _create_lock(building)
        key, sizes = _compile(files, building)
        manifest = json.dumps(_manifest(building, key, sizes))
        (building / "marker").write_text(f"{MARKER} {FORMAT_VERSION}\n{manifest}\n", encoding="utf-8")
        _unlink_impostor(root / key)
        try:
            building.rename(root / key)
        except OSError:
            if not _is_real_dir(root / key):  # unless a concurrent run won the race
                raise
        return key
    except BaseException as error:
        # The traceback's frames still hold the open database; release it before deleting its folder,
        # or its closing writes would recreate files there.
        traceback.clear_frames(error.__traceback__)
        raise
    finally:
        _remove_tree(building)
        if lock is not None:
            os.close(lock)


def _unlink_impostor(path: Path) -> None:
    """Remove a symbolic link or file where an entry belongs (the link only, never what it points to)."""
    with contextlib.suppress(OSError):
        if not stat.S_ISDIR(path.lstat().st_mode):
            path.unlink()


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
    _discard(entry)
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
    _discard(entry)


def _serve(root: Path, key: str, description: str, sizes: list[int] | None) -> CompiledStore | None:
    """The sound entry ``key``, locked for this run; a bad one is removed and None returned."""
    entry = root / key
    if not _hold(entry):
        if _is_real_dir(entry) and not _is_regular(entry / LOCK):  # no lock file: damaged, or an old format
            manifest = _read_manifest(entry)
            _reject(entry, manifest if isinstance(manifest, str) else "damaged")
        return None
    problem = _problem(entry, sizes)
    if problem is not None:
        _reject(entry, problem)
        return None
    try:
        return _open_entry(entry, description)
    except (OSError, RuntimeError, SyntaxError, ValueError) as error:
        warn(f"cache entry {shown(entry)} cannot be used ({' '.join(str(error).split())[:200]}); rebuilding it")
        _discard(entry)
        return None


def _compiled(root: Path, files: list[Path], description: str) -> CompiledStore:
    taken = time.time_ns()
    before = file_stats(files)
    quick = fingerprint(files, before)
    index = _read_index(root)
    sizes = [info.st_size for info in before]
    known = index.get(quick)
    store = _serve(root, known, description, sizes) if known else None
    if store is None:
        key = content_hash(files, FORMAT_VERSION)
        store = _serve(root, key, description, None)
        if store is None:
            key = _build(root, files)
            store = _serve(root, key, description, None)
        if store is None:
            raise CacheWriteError("the compiled store vanished while it was being opened")
        # The key is the hash of bytes read between the two looks at the files: when both agree and
        # the files had settled, those bytes are the files' content, and the fingerprint may find it.
        if index.get(quick) != key and _settled(before, taken) and fingerprint(files) == quick:
            index[quick] = key
            with contextlib.suppress(OSError):  # the index only saves time; the store itself is in place
                _write_index(root, index)
    return store


def open_compiled(files: list[Path], description: str) -> tuple[LocalStore, Path | None]:
    """Open the compiled store for ``files`` (compiling it first when needed) and its cache entry."""
    import sqlite3

    root = cache_root()
    refusal = _claim(root)
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


# ------------------------------------------------------------------ info and clear
class CacheInfo(NamedTuple):
    folder: str
    entries: int
    bytes: int

    def as_json(self) -> dict[str, object]:
        return {"query": "cache-info", "folder": self.folder, "entries": self.entries, "bytes": self.bytes}


def _complete(entry: Path) -> bool:
    """Whether ``entry`` is a complete, marked entry of this format (checksums are left to opening)."""
    if not (KEY.fullmatch(entry.name) and _is_real_dir(entry)):
        return False
    manifest = _read_manifest(entry)
    return not isinstance(manifest, str) and manifest.get("key") == entry.name


def _size(folder: Path) -> int:
    total = 0
    for directory, _, names in os.walk(folder):
        for name in names:
            with contextlib.suppress(OSError):
                total += Path(directory, name).lstat().st_size
    return total


def info() -> CacheInfo:
    """Where compiled stores live, how many complete ones there are and how much room they take."""
    root = cache_root()
    entries: list[Path] = []
    if _is_real_dir(root) or root.is_dir():
        with contextlib.suppress(OSError):
            entries = [child for child in root.iterdir() if _complete(child)]
    return CacheInfo(str(root), len(entries), sum(_size(entry) for entry in entries))


class Cleared(int):
    """How many compiled stores ``clear`` removed (the int), and how many it left in place and why."""

    in_use: int
    building: int

    def __new__(cls, removed: int, in_use: int = 0, building: int = 0) -> Cleared:
        value = super().__new__(cls, removed)
        value.in_use, value.building = in_use, building
        return value

    @property
    def removed(self) -> int:
        return int(self)


def _clear_entry(child: Path) -> str:
    """Remove one entry unless a run reads it: "removed", "in use" or "skipped" (not sco-graph's)."""
    marker = _read_small(child / "marker", 4096)
    if marker is None or not marker.startswith(MARKER):
        return "skipped"
    descriptor = _open_lock(child / LOCK)  # entries of older versions have no lock file
    try:
        if descriptor is not None and not _try_lock(descriptor, fcntl.LOCK_EX):
            return "in use"
        trash = child.parent / _trash_name(child.name)
        child.rename(trash)
        _remove_tree(trash)
        return "removed"
    except OSError:
        return "skipped"
    finally:
        if descriptor is not None:
            os.close(descriptor)


def clear() -> Cleared:
    """Delete every compiled store no other run is using; abandoned builds go too, builds in progress stay.

    Graphs this process opened from the cache must not be used afterwards. Raises
    :class:`StorageError` when the folder is not sco-graph's (it holds other files and
    no sco-graph tag): nothing is deleted then.
    """
    root = cache_root()
    if not _is_real_dir(root) and not root.is_dir():
        return Cleared(0)
    refusal = _claim(root)
    if refusal is not None:
        raise StorageError(f"{refusal}; nothing was deleted")
    for entry in list(_held):  # this process's own graphs are given up: clearing is what it asked for
        _release(Path(entry))
    outcome = {"removed": 0, "in use": 0, "skipped": 0}
    building = 0
    for child in sorted(root.iterdir()):
        if KEY.fullmatch(child.name) and _is_real_dir(child):
            outcome[_clear_entry(child)] += 1
        elif BUILD.fullmatch(child.name) and _is_real_dir(child):
            building += not _remove_if_free(child, grace=ABANDONED_AFTER)
        elif TRASH.fullmatch(child.name) and _is_real_dir(child):
            _remove_if_free(child)
        elif (child.name == "index.json" or INDEX_TEMPORARY.fullmatch(child.name)) and not child.is_symlink():
            with contextlib.suppress(OSError):
                if child.name == "index.json" or time.time() - child.lstat().st_mtime > ABANDONED_AFTER:
                    child.unlink()
    return Cleared(outcome["removed"], outcome["in use"], building)
