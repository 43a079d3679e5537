"""The ``lock`` file of each entry and build: who may read, build or delete it.

A build holds an exclusive lock on its own ``lock`` file until it is renamed into
place. Readers hold a shared lock on the entry's ``lock`` file for the life of the
process, so ``clear`` (which needs an exclusive lock) never deletes an entry a run
is reading; a lock file moved away or replaced means the entry is no longer in place.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from pathlib import Path

from sco_graph.cache.folder import is_real_dir

LOCK = "lock"

_held: dict[str, int] = {}  # entry folder -> descriptor holding its shared lock until the process ends


def open_lock(path: Path) -> int | None:
    try:
        return os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError:
        return None


def try_lock(descriptor: int, operation: int) -> bool:
    try:
        fcntl.flock(descriptor, operation | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


def create_lock(folder: Path) -> int:
    """Create the lock file of a new build in ``folder`` and lock it exclusively."""
    descriptor = os.open(folder / LOCK, os.O_RDONLY | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644)
    fcntl.flock(descriptor, fcntl.LOCK_EX)
    return descriptor


def hold(entry: Path) -> bool:
    """Take a shared lock on ``entry`` for the life of the process; False when it is not (or no longer) in place."""
    held = _held.get(str(entry))
    if held is not None:
        if _in_place(entry, held):
            return True
        release(entry)
    if not is_real_dir(entry):
        return False
    descriptor = open_lock(entry / LOCK)
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
        return os.path.samestat(os.fstat(descriptor), (entry / LOCK).lstat()) and is_real_dir(entry)
    except OSError:
        return False


def release(entry: Path) -> None:
    descriptor = _held.pop(str(entry), None)
    if descriptor is not None:
        os.close(descriptor)


def release_all() -> None:
    """Give up every entry this process holds (its graphs must not be used afterwards)."""
    for entry in list(_held):
        release(Path(entry))
