"""The fingerprint index (``index.json``): which entry holds the files, found without reading them.

A cheap fingerprint (device, inode, size, modification and change times) finds
an entry's key without reading the files again; it is recorded only once the
files' last change is safely in the past. Keys read from ``index.json`` must be
64 hex digits, and it is replaced atomically through an ``.index-*`` temporary.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from sco_graph.cache.folder import KEY, read_small

# A fingerprint is recorded only when every file last changed at least this long ago (the
# "racy git" rule: a change within the timestamp granularity would not move the fingerprint).
SETTLED_NS = 2_000_000_000
INDEX_SIZE = 64


def read_index(root: Path) -> dict[str, str]:
    text = read_small(root / "index.json", 1 << 20)
    try:
        data = json.loads(text) if text else {}
    except ValueError:
        return {}
    if not isinstance(data, dict):
        return {}
    return {key: value for key, value in data.items() if isinstance(value, str) and KEY.fullmatch(value)}


def write_index(root: Path, index: dict[str, str]) -> None:
    import tempfile

    handle, name = tempfile.mkstemp(dir=root, prefix=".index-", suffix=".json")
    temporary = Path(name)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            json.dump(dict(list(index.items())[-INDEX_SIZE:]), stream)
        temporary.replace(root / "index.json")
    finally:
        temporary.unlink(missing_ok=True)


def settled(stats: list[os.stat_result], taken: int) -> bool:
    """Whether every file's last change was well before ``taken`` (when ``stats`` were read).

    A later change then moves the change time by more than any timestamp granularity,
    so an equal fingerprint proves equal content.
    """
    return all(taken - max(info.st_ctime_ns, info.st_mtime_ns) >= SETTLED_NS for info in stats)
