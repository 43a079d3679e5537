"""The most connected entities: degree and betweenness of every linked entity, ranked, and kept in the cache.

The linked entities and their links come from the path index
(:mod:`sco_graph.mirror`): two entities are linked when some relation, at any
time, links them, and each linked pair counts once. An entity's degree is the
number of entities linked to it.

Betweenness is the share of shortest paths between other entities that run
through an entity, normalised as networkx normalises it for an undirected
graph (divided by the (n-1)(n-2)/2 pairs that could use it). igraph computes
it (Brandes' algorithm in C):

- exactly up to :data:`EXACT_UP_TO` linked entities;
- above that, estimated from the shortest paths out of :data:`SAMPLE` source
  entities, scaled by n / :data:`SAMPLE` (Brandes and Pich, "Centrality
  estimation in large networks", 2007). The sources are the entities whose IRIs
  have the smallest BLAKE2b digests: a sample as good as a random one, chosen
  the same way on every run, machine and Python version, so the same data
  always gives the same numbers.

The ranking (most links first, then the highest betweenness to 4 places, then
the name) is kept, up to its first :data:`KEPT` entities, in ``centrality.json``
in the compiled store's cache entry: a JSON header line (version, the settings
it was computed with, a BLAKE2b digest of the rest), then the ranking as JSON.
A missing, damaged or outdated file is ignored and computed anew.

:func:`rank_pairs` ranks linked pairs given as IRIs (an endpoint's, say) the
same way, without keeping anything.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, TypeGuard

from sco_graph.graph import Graph
from sco_graph.results import Ranked

if TYPE_CHECKING:
    from sco_graph.mirror import PathIndex

EXACT_UP_TO = 2000  # linked entities; exact betweenness costs entities x links
SAMPLE = 500  # source entities of the estimate above that
KEPT = 1000  # the longest ranking ``stats --top`` may ask for
VERSION = 1  # of the kept file and of how its figures are computed
FILE = "centrality.json"


class Centrality(NamedTuple):
    """How many pairs of entities are linked, and the ranking of the most connected (at most :data:`KEPT`)."""

    relations: int
    sample: int | None  # None: exact betweenness; else the number of sampled sources
    ranking: tuple[Ranked, ...]
    reason: str | None = None  # why betweenness is absent (every value 0.0), when it is


class _Scored(NamedTuple):
    iri: str
    degree: int
    betweenness: float  # unrounded, as computed


class _Kept(NamedTuple):
    """What is kept in the cache entry: a :class:`Centrality` before its entities are named."""

    relations: int
    sample: int | None
    ranking: list[_Scored]


def most_connected(graph: Graph, top: int) -> Centrality:
    """The linked pairs' count and the ``top`` most connected entities: kept in the cache entry, or computed."""
    folder = graph.cache_entry
    kept = _load(folder) if folder is not None else None
    if kept is None:
        kept = _compute(graph)
        if folder is not None:
            with contextlib.suppress(OSError):  # a read-only or full cache only costs a recomputation next time
                _save(folder, kept)
    return _named(graph, kept, top)


def rank_pairs(graph: Graph, pairs: list[tuple[str, str]], top: int) -> Centrality:
    """The ranking of the entities that ``pairs`` link (each pair in either order, repeats allowed), not kept.

    The same pairs give the same figures as :func:`most_connected` on local data.
    """
    iris = sorted({iri for pair in pairs for iri in pair})
    ids = {iri: number for number, iri in enumerate(iris)}
    linked = sorted({(min(ids[a], ids[b]), max(ids[a], ids[b])) for a, b in pairs if a != b})
    degrees = [0] * len(iris)
    for a, b in linked:
        degrees[a] += 1
        degrees[b] += 1
    return _named(graph, _scored(graph, iris, linked, degrees), top)


def _named(graph: Graph, kept: _Kept, top: int) -> Centrality:
    relations, sample, scored = kept
    graph.directory.prefetch(row.iri for row in scored[:top])
    ranking = tuple(Ranked(graph.entity(row.iri), row.degree, round(row.betweenness, 4)) for row in scored[:top])
    return Centrality(relations, sample, ranking)


# ------------------------------------------------------------------ computing
def _linked_pairs(index: PathIndex) -> tuple[list[tuple[int, int]], list[int]]:
    """Every linked pair once (lower id first) and each entity's degree, from the index's adjacency."""
    pairs: list[tuple[int, int]] = []
    degrees: list[int] = []
    offsets, targets = index.offsets, index.targets
    for node in range(len(index.nodes)):
        linked = set(targets[offsets[node] : offsets[node + 1]])
        degrees.append(len(linked))
        pairs.extend((node, other) for other in sorted(linked) if other > node)
    return pairs, degrees


def _sources(iris: list[str], size: int) -> list[int]:
    """The positions of the ``size`` IRIs with the smallest BLAKE2b digests: a fixed, unbiased sample."""
    digests = sorted(
        (hashlib.blake2b(iri.encode("utf-8"), digest_size=16).digest(), number) for number, iri in enumerate(iris)
    )
    return sorted(number for _, number in digests[:size])


def _betweenness(count: int, pairs: list[tuple[int, int]], sample: list[int] | None) -> list[float]:
    """Normalised betweenness of every entity: exact, or estimated from the shortest paths out of ``sample``."""
    import igraph

    network = igraph.Graph(n=count, edges=pairs, directed=False)
    # igraph counts each unordered pair once; with sources, each path out of a source once.
    raw = network.betweenness(directed=False) if sample is None else network.betweenness(directed=False, sources=sample)
    scale = 2 / ((count - 1) * (count - 2)) if count > 2 else 1.0
    if sample is not None:
        scale *= count / len(sample)
    return [value * scale for value in raw]


def _compute(graph: Graph) -> _Kept:
    from sco_graph.mirror import path_index

    index = path_index(graph)
    pairs, degrees = _linked_pairs(index)
    return _scored(graph, index.nodes, pairs, degrees)


def _scored(graph: Graph, iris: list[str], pairs: list[tuple[int, int]], degrees: list[int]) -> _Kept:
    """Betweenness and the ranking of the entities ``iris`` (sorted), linked by ``pairs`` (sorted, each once)."""
    count = len(iris)
    sample = _sources(iris, SAMPLE) if count > EXACT_UP_TO else None
    betweenness = _betweenness(count, pairs, sample) if count else []
    ranking = _ranked(graph, iris, degrees, betweenness)
    return _Kept(len(pairs), len(sample) if sample is not None else None, ranking)


def _ranked(graph: Graph, iris: list[str], degrees: list[int], betweenness: list[float]) -> list[_Scored]:
    """The first :data:`KEPT` entities by degree, then betweenness to 4 places, then name.

    Names are looked up only for the entities that can reach the first :data:`KEPT`
    places: those ranked there by the two numbers, and any tied with the last of them.
    """

    def numbers(node: int) -> tuple[int, float]:
        return (-degrees[node], -round(betweenness[node], 4))

    by_numbers = sorted(range(len(iris)), key=numbers)
    if len(by_numbers) > KEPT:
        last = numbers(by_numbers[KEPT - 1])
        by_numbers = [node for node in by_numbers if numbers(node) <= last]
    graph.directory.prefetch(iris[node] for node in by_numbers)
    by_numbers.sort(key=lambda node: (*numbers(node), graph.entity(iris[node]).name))
    return [_Scored(iris[node], degrees[node], betweenness[node]) for node in by_numbers[:KEPT]]


# ------------------------------------------------------------------ keeping
def _settings() -> dict[str, int]:
    """What the kept figures depend on besides the data: a file computed under other settings is not used."""
    from sco_graph.mirror import INDEX_VERSION

    return {"version": VERSION, "index": INDEX_VERSION, "exact_up_to": EXACT_UP_TO, "sample": SAMPLE, "kept": KEPT}


def _save(folder: Path, kept: _Kept) -> None:
    relations, sample, scored = kept
    body = json.dumps({"relations": relations, "sample": sample, "ranking": [list(row) for row in scored]}).encode()
    header = {**_settings(), "blake2b": hashlib.blake2b(body).hexdigest()}
    temporary = folder / f".centrality-{os.getpid()}.tmp"
    try:
        with temporary.open("xb") as stream:
            stream.write(json.dumps(header).encode() + b"\n" + body)
        temporary.replace(folder / FILE)
    finally:
        temporary.unlink(missing_ok=True)  # a full disk leaves no temporary file behind


def _load(folder: Path) -> _Kept | None:
    """The kept figures, or None when the file is missing, damaged, or computed under other settings."""
    from sco_graph.cache.folder import read_regular

    try:
        data = read_regular(folder / FILE, 16 << 20)
    except OSError:  # a folder in its place
        return None
    if data is None:
        return None
    header_end = data.find(b"\n", 0, 4096)
    if header_end < 0:
        return None
    body = data[header_end + 1 :]
    try:
        header = json.loads(data[:header_end])
        if not isinstance(header, dict) or header.pop("blake2b", None) != hashlib.blake2b(body).hexdigest():
            return None
        return _decoded(json.loads(body)) if header == _settings() else None
    except (ValueError, TypeError):
        return None


def _decoded(kept: Any) -> _Kept | None:
    """The kept figures, when every value has the type it must have."""
    if not isinstance(kept, dict):
        return None
    relations, sample, ranking = kept.get("relations"), kept.get("sample"), kept.get("ranking")
    if not (_is_count(relations) and (sample is None or _is_count(sample)) and isinstance(ranking, list)):
        return None
    scored = []
    for row in ranking:
        if not (isinstance(row, list) and len(row) == 3 and isinstance(row[0], str) and _is_count(row[1])):
            return None
        if not isinstance(row[2], float | int) or isinstance(row[2], bool):
            return None
        scored.append(_Scored(row[0], row[1], float(row[2])))
    return _Kept(relations, sample, scored)


def _is_count(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0
