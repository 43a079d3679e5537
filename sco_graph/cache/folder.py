"""The cache folder: where it is, its ``CACHEDIR.TAG``, adopting a folder, and the names of its children.

The cache touches only what it made. Its folder (``SCO_GRAPH_CACHE`` overrides
the user cache folder) carries a ``CACHEDIR.TAG`` with a sco-graph line; a
folder that is neither missing, empty, already tagged nor holding only
sco-graph's own entries is never written into (runs work in memory, ``cache
clear`` refuses). Entries are always ``root / key`` with a key of 64 hex digits,
symbolic links are never followed, and only children named by the patterns
below (and, for entries, carrying the marker) are sco-graph's.
"""

from __future__ import annotations

import os
import re
import stat
import sys
from pathlib import Path

from sco_graph.load import shown

MARKER = "sco-graph-store"  # the first word of every entry's ``marker`` file
ROOT_TAG = "CACHEDIR.TAG"
TAG_SIGNATURE = "Signature: 8a477f597d28d172789f06886806bc55"
TAG_LINE = "sco-graph-cache 1"
TAG_TEXT = (
    f"{TAG_SIGNATURE}\n"
    "# This file is a cache directory tag created by sco-graph (https://bford.info/cachedir/).\n"
    f"# {TAG_LINE}\n"
)
# The names of sco-graph's own children: entries, builds in progress, entries being deleted, index temporaries.
KEY = re.compile(r"[0-9a-f]{64}")
BUILD = re.compile(r"\.build-[A-Za-z0-9_]{1,64}")
TRASH = re.compile(r"\.trash-[0-9a-f]{64}-[0-9]{1,20}-[0-9]{1,20}")
INDEX_TEMPORARY = re.compile(r"\.index-[A-Za-z0-9_]{1,64}\.json")


def cache_root() -> Path:
    """The cache folder: ``SCO_GRAPH_CACHE`` when set, else the platform's user cache folder."""
    configured = os.environ.get("SCO_GRAPH_CACHE")
    if configured:
        return Path(configured)
    if sys.platform == "linux":  # the XDG rule platformdirs applies there, without its import on every run
        base = Path(os.environ.get("XDG_CACHE_HOME", "").strip() or "relative")
        return (base if base.is_absolute() else Path.home() / ".cache") / "sco-graph"  # XDG: relative is ignored
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("sco-graph", appauthor=False))


def read_regular(path: Path, limit: int = -1) -> bytes | None:
    """A regular file's bytes (at most ``limit``), never through a symbolic link or from a device or pipe.

    None when the file is absent, unreadable or not a regular file.
    """
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError:
        return None
    with os.fdopen(descriptor, "rb") as stream:
        try:
            return stream.read(limit) if stat.S_ISREG(os.fstat(descriptor).st_mode) else None
        except OSError:
            return None


def read_small(path: Path, limit: int = 1 << 20) -> str | None:
    """A small regular file's text, as :func:`read_regular` reads it."""
    data = read_regular(path, limit)
    return data.decode("utf-8", errors="replace") if data is not None else None


def is_real_dir(path: Path) -> bool:
    """Whether ``path`` is a folder itself, not a symbolic link to one."""
    try:
        return stat.S_ISDIR(path.lstat().st_mode)
    except OSError:
        return False


def _tagged(root: Path) -> bool:
    text = read_small(root / ROOT_TAG, 4096)
    return text is not None and text.startswith(TAG_SIGNATURE) and TAG_LINE in text


def _legacy_child(child: Path) -> bool:
    """Whether ``child`` is something an earlier sco-graph (before the tag) left in its cache folder."""
    name = child.name
    if name == "index.json" or INDEX_TEMPORARY.fullmatch(name):
        return True
    if not is_real_dir(child):
        return False
    if BUILD.fullmatch(name):
        return True
    marker = read_small(child / "marker", 4096)
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


def claim(root: Path) -> str | None:
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
