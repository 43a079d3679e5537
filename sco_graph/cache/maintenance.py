"""``cache info`` and ``cache clear``: what the cache folder holds, and deleting it safely.

``clear`` removes only sco-graph's own children, and only entries it can lock
exclusively: an entry another run reads and a build in progress stay in place.
A folder that is not sco-graph's is refused, and nothing in it is deleted.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import time
from pathlib import Path
from typing import NamedTuple

from sco_graph.cache.folder import (
    BUILD,
    INDEX_TEMPORARY,
    KEY,
    MARKER,
    TRASH,
    cache_root,
    claim,
    is_real_dir,
    read_small,
)
from sco_graph.cache.locks import LOCK, open_lock, release_all, try_lock
from sco_graph.cache.manifest import read_manifest
from sco_graph.cache.removal import ABANDONED_AFTER, remove_if_free, remove_tree, trash_name
from sco_graph.errors import StorageError


class CacheInfo(NamedTuple):
    folder: str
    entries: int
    bytes: int

    def as_json(self) -> dict[str, object]:
        return {"query": "cache-info", "folder": self.folder, "entries": self.entries, "bytes": self.bytes}


def _complete(entry: Path) -> bool:
    """Whether ``entry`` is a complete, marked entry of this format (checksums are left to opening)."""
    if not (KEY.fullmatch(entry.name) and is_real_dir(entry)):
        return False
    manifest = read_manifest(entry)
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
    if is_real_dir(root) or root.is_dir():
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
    marker = read_small(child / "marker", 4096)
    if marker is None or not marker.startswith(MARKER):
        return "skipped"
    descriptor = open_lock(child / LOCK)  # entries of older versions have no lock file
    try:
        if descriptor is not None and not try_lock(descriptor, fcntl.LOCK_EX):
            return "in use"
        trash = child.parent / trash_name(child.name)
        child.rename(trash)
        remove_tree(trash)
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
    if not is_real_dir(root) and not root.is_dir():
        return Cleared(0)
    refusal = claim(root)
    if refusal is not None:
        raise StorageError(f"{refusal}; nothing was deleted")
    release_all()  # this process's own graphs are given up: clearing is what it asked for
    outcome = {"removed": 0, "in use": 0, "skipped": 0}
    building = 0
    for child in sorted(root.iterdir()):
        if KEY.fullmatch(child.name) and is_real_dir(child):
            outcome[_clear_entry(child)] += 1
        elif BUILD.fullmatch(child.name) and is_real_dir(child):
            building += not remove_if_free(child, grace=ABANDONED_AFTER)
        elif TRASH.fullmatch(child.name) and is_real_dir(child):
            remove_if_free(child)
        elif (child.name == "index.json" or INDEX_TEMPORARY.fullmatch(child.name)) and not child.is_symlink():
            with contextlib.suppress(OSError):
                if child.name == "index.json" or time.time() - child.lstat().st_mtime > ABANDONED_AFTER:
                    child.unlink()
    return Cleared(outcome["removed"], outcome["in use"], building)
