"""Compiling data files into a new entry, atomically.

A compiled store is kept under a key that hashes the bytes it was built from, so
edited data is picked up on the next run. A build is written into a locked
``.build-*`` folder and renamed into place; a build that fails or is interrupted
leaves nothing behind, and one a killed run left is swept by a later build.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import stat
import traceback
from itertools import islice
from pathlib import Path

from sco_graph.cache.folder import is_real_dir
from sco_graph.cache.locks import create_lock
from sco_graph.cache.manifest import FORMAT_VERSION, write_marker
from sco_graph.cache.removal import remove_tree, sweep
from sco_graph.load import ContentHash, load_into
from sco_graph.store import LocalStore

# Up to this many triples a store is kept as an N-Quads snapshot and loaded into memory, which
# takes a few milliseconds, less than opening a RocksDB database; larger ones stay in RocksDB.
SNAPSHOT_LIMIT = 5000


def _compile(files: list[Path], building: Path) -> tuple[str, list[int]]:
    """Compile ``files`` into the folder ``building``; return the key of the bytes that were loaded."""
    import pyoxigraph as ox

    from sco_graph.graph import read_entries
    from sco_graph.nameindex import write_index

    digest = ContentHash(FORMAT_VERSION)
    store = ox.Store(str(building / "store"))
    load_into(store, files, digest.update)
    # The bulk loader writes sorted tables straight into place: a compaction (Store.optimize) here would
    # rewrite all of them for no faster reads, and cost a seventh of the compile.
    store.flush()
    write_index(read_entries(LocalStore(store, "compiling")), building / "names.sqlite")
    small = sum(1 for _ in islice(store, SNAPSHOT_LIMIT + 1)) <= SNAPSHOT_LIMIT  # len() would count every quad
    if small:
        store.dump(str(building / "snapshot.nq"), format=ox.RdfFormat.N_QUADS)
    del store
    if small:
        shutil.rmtree(building / "store")
    return digest.hexdigest(), digest.sizes


def build(root: Path, files: list[Path]) -> str:
    """Compile ``files`` into a new entry, atomically; return its key (the hash of what was loaded)."""
    import tempfile

    sweep(root)
    building = Path(tempfile.mkdtemp(dir=root, prefix=".build-"))
    lock: int | None = None
    try:
        lock = create_lock(building)
        key, sizes = _compile(files, building)
        write_marker(building, key, sizes)
        _unlink_impostor(root / key)
        try:
            building.rename(root / key)
        except OSError:
            if not is_real_dir(root / key):  # unless a concurrent run won the race
                raise
        return key
    except BaseException as error:
        # The traceback's frames still hold the open database; release it before deleting its folder,
        # or its closing writes would recreate files there.
        traceback.clear_frames(error.__traceback__)
        raise
    finally:
        remove_tree(building)
        if lock is not None:
            os.close(lock)


def _unlink_impostor(path: Path) -> None:
    """Remove a symbolic link or file where an entry belongs (the link only, never what it points to)."""
    with contextlib.suppress(OSError):
        if not stat.S_ISDIR(path.lstat().st_mode):
            path.unlink()
