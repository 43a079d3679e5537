"""The compiled store: data files parsed once, kept on disk, reopened in milliseconds.

A compiled store lives in the cache folder (``SCO_GRAPH_CACHE`` overrides the
user cache folder) under a key that hashes the bytes it was built from, so
edited data is picked up on the next run. A cheap fingerprint (device, inode,
size, modification and change times) finds the key without reading the files
again; it is recorded only once the files' last change is safely in the past.

The cache touches only what it made, serves an entry only after checking it
against its manifest, and falls back to memory with a warning when it cannot be
written (disk full, read-only). Its modules, each importing only those above it:

- ``folder``: where the cache folder is, its ``CACHEDIR.TAG``, adopting a folder, the names of its children;
- ``locks``: the ``lock`` file of each entry and build (shared for readers, exclusive for builds and clear);
- ``removal``: deleting only sco-graph's own folders, through ``.trash-*``, and sweeping abandoned builds;
- ``index``: ``index.json``, from the files' fingerprint to an entry's key;
- ``manifest``: an entry's ``marker``, with its key, inputs, stamps and checksums, and its verification;
- ``build``: compiling files into a locked ``.build-*`` folder renamed into place;
- ``compiled``: :func:`open_compiled` and :func:`open_names`, finding, verifying, building or working in memory;
- ``maintenance``: :func:`info` and :func:`clear`.
"""

from __future__ import annotations

from sco_graph.cache.compiled import open_compiled, open_names
from sco_graph.cache.folder import KEY, MARKER
from sco_graph.cache.maintenance import CacheInfo, clear, info
from sco_graph.cache.manifest import FORMAT_VERSION

__all__ = ["FORMAT_VERSION", "KEY", "MARKER", "CacheInfo", "clear", "info", "open_compiled", "open_names"]
