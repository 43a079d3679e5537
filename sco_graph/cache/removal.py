"""Deleting safely: only sco-graph's own folders, never through a link, never one a run holds.

An entry is first renamed to a ``.trash-*`` folder (other runs may still read it)
and deleted only when nobody holds its lock. Builds and trash that killed runs
left behind are swept once they are old and unlocked.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import stat
import time
from pathlib import Path

from sco_graph.cache.folder import BUILD, INDEX_TEMPORARY, TRASH, is_real_dir
from sco_graph.cache.locks import LOCK, open_lock, release, try_lock

# A build or temporary file this old without a lock holder was abandoned by a killed run.
ABANDONED_AFTER = 60.0


def remove_tree(path: Path) -> None:
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


def trash_name(key: str) -> str:
    return f".trash-{key}-{os.getpid()}-{time.monotonic_ns()}"


def discard(entry: Path) -> None:
    """Move a bad entry out of the way (other runs may still read it), then delete it if nobody does."""
    release(entry)
    trash = entry.parent / trash_name(entry.name)
    try:
        entry.rename(trash)
    except OSError:
        return
    remove_if_free(trash)


def remove_if_free(folder: Path, grace: float = 0.0) -> bool:
    """Delete a sco-graph folder unless a run holds its lock (or it is younger than ``grace`` seconds)."""
    descriptor = open_lock(folder / LOCK)
    if descriptor is None:
        try:
            if time.time() - folder.lstat().st_mtime < grace:
                return False
        except OSError:
            return False
        remove_tree(folder)
        return True
    try:
        if not try_lock(descriptor, fcntl.LOCK_EX):
            return False
        remove_tree(folder)
        return True
    finally:
        os.close(descriptor)


def sweep(root: Path) -> int:
    """Remove what killed runs left behind: unlocked builds and trash, old index temporaries."""
    swept = 0
    with contextlib.suppress(OSError):
        for child in root.iterdir():
            name = child.name
            if (BUILD.fullmatch(name) or TRASH.fullmatch(name)) and is_real_dir(child):
                swept += remove_if_free(child, grace=ABANDONED_AFTER)
            elif INDEX_TEMPORARY.fullmatch(name) and not child.is_symlink():
                with contextlib.suppress(OSError):
                    if time.time() - child.lstat().st_mtime > ABANDONED_AFTER:
                        child.unlink()
    return swept
