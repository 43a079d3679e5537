"""Path search on an endpoint: the part of the path index a question needs, fetched as the search needs it.

The index is grown from both ends by cost (:class:`Search`): an entity's
relations are fetched, with batched ``VALUES`` queries, once the cheapest known
way through it (arriving, plus its hub penalty, from a server-side count of its
linked entities) is within a radius of one end. The queries return the event
and fact nodes touching those entities (what the relation rules read of them:
classes, roles, dates, statuses) and the relations the entities state; the
entries are built from those rows by the same code that builds the local
index. Every path costing at most twice the radius then has all its links
among those fetched, so the radius doubles until the paths wanted are certain,
and the local search (:mod:`sco_graph.paths`) ranks them over this partial
index exactly as it does over the whole one. Entities that could lie inside a
path get their number of linked entities from the server too.

Bounds keep each question small whatever the store's size: an entity
linked to more than :data:`HUB_LINKS` others is not expanded (paths can still
pass through it, between expanded neighbours), at most :data:`FRONTIER`
entities are expanded per round and end, and the radius stops growing once
:data:`LINK_BUDGET` links have been fetched (then only the paths no unfetched
one could beat are listed). When a bound cut the search, the answer says it
may be incomplete.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterable
from math import inf

from sco_graph.graph import Graph, count_of, values_clause
from sco_graph.linkage import links_query
from sco_graph.mirror import EVENT, NODE_PREDICATES, Entries, PathIndex, compact, link_described, link_entities
from sco_graph.model import ENTITY_TYPES
from sco_graph.paths import Found
from sco_graph.relations import ENTITY_RELATIONS
from sco_graph.strength import cost_of, hub_penalty

HUB_LINKS = 1000
FRONTIER = 500
BATCH = 100  # entities per expanding query
START_RADIUS = 2.0
MAX_RADIUS = 4096.0  # past every statement-only path of ten hops
LINK_BUDGET = 2_000  # links (counted by the server) of the entities expanded, before the growth stops

Allowed = Callable[[str, str, int, int], bool]  # (relation, family, first, last) -> may a path use it
Run = Callable[[PathIndex], Found]  # the local search, over a partial index


def _expand(graph: Graph, iris: list[str], entries: Entries) -> None:
    """Add the entries of every relation touching ``iris``.

    The nodes pointing at the entities are found without a type pattern, and the predicates
    wanted are a filter rather than a ``VALUES`` block: otherwise engines plan a scan of every
    event, or of every triple with those predicates, first (seconds to minutes on a million
    triples). What the rules read of the nodes tells events and facts apart.
    """
    wanted = "FILTER(?p IN (" + ", ".join(f"<{predicate}>" for predicate in NODE_PREDICATES) + "))"
    kinds, stated = values_clause("k", ENTITY_TYPES), values_clause("p", ENTITY_RELATIONS)
    for start in range(0, len(iris), BATCH):
        chosen = iris[start : start + BATCH]
        batch = values_clause("x", chosen)
        rows = graph.store.select(
            f"SELECT ?n ?p ?o WHERE {{ {{ SELECT DISTINCT ?n WHERE {{ {batch} ?n ?r ?x }} }} ?n ?p ?o . {wanted} }}"
        )
        link_described(rows, entries)
        ours, theirs = values_clause("a", chosen), values_clause("b", chosen)
        rows = graph.store.select(
            f"""SELECT ?a ?p ?b WHERE {{ {{ {ours} {stated} ?a ?p ?b . ?a a ?k . {kinds} }}
            UNION {{ {theirs} {stated} ?a ?p ?b . ?a a ?k . {kinds} }} }}"""
        )
        link_entities(rows, entries)


def _links(graph: Graph, iris: Iterable[str], known: dict[str, int]) -> None:
    """Fill in how many entities each of ``iris`` is linked to, from the server's aggregate."""
    missing = sorted(set(iris) - known.keys())
    for start in range(0, len(missing), BATCH):
        batch = missing[start : start + BATCH]
        for row in graph.store.select(links_query(batch)):
            known[row["x"].value] = int(row["links"].value)
        for iri in batch:
            known.setdefault(iri, 0)


class Search:
    """The partial index around two entities, grown by cost from both ends until it holds the paths wanted.

    An entity's adjacency is fetched once its cheapest known way through it (arriving,
    plus its hub penalty) is within the radius of one end. Every path costing at most
    twice the radius then has all its links among the fetched ones: walking it from the
    start, the links up to the last entity within the radius of the start touch entities
    expanded from the start, and every later link touches one within the radius of the end.
    """

    def __init__(self, graph: Graph, ends: tuple[str, str], *, allowed: Allowed, avoid: set[str]):
        self.graph, self.ends, self.allowed, self.avoid = graph, ends, allowed, avoid
        self.entries = Entries()
        self.links: dict[str, int] = {}
        self.expanded: set[str] = set()
        self.adjacent: dict[str, dict[str, float]] = {}  # allowed links: the cheapest step to each neighbour
        self.cut = False  # a hub or a frontier past its bound was left unexpanded
        self.budget = LINK_BUDGET  # links still to be fetched
        self.spent = False
        self.waiting = False  # some entity within reach is not expanded yet

    def grow(self, radius: float) -> None:
        """Expand both ends' entities whose way through is within ``radius``."""
        self.waiting = False
        for origin in self.ends:
            while self._grow_side(origin, radius):
                pass

    def _grow_side(self, origin: str, radius: float) -> bool:
        labels = self._labels(origin)
        # No hop limit here: the cheapest way to an entity may take more hops than a path through it.
        candidates = sorted(iri for iri in labels if iri not in self.expanded and iri not in self.avoid)
        near = [iri for iri in candidates if labels[iri] <= radius]
        self.waiting |= len(near) < len(candidates)
        _links(self.graph, near, self.links)
        wanted = []
        for iri in near:
            through = labels[iri] + (0.0 if iri == origin else hub_penalty(self.links[iri]))
            if through > radius:
                self.waiting = True
            elif self.links[iri] > HUB_LINKS:
                self.cut = True
            else:
                wanted.append((through, iri))
        if len(wanted) > FRONTIER:
            self.cut = True
        chosen = []
        for _, iri in sorted(wanted)[:FRONTIER]:
            if self.links[iri] > self.budget:
                self.cut = self.spent = True
                break
            self.budget -= self.links[iri]
            chosen.append(iri)
        self.expanded.update(chosen)
        self.expanded.update(iri for iri in near if self.links[iri] > HUB_LINKS)  # never asked again
        if not chosen:
            return False
        before = set(self.entries.found)
        _expand(self.graph, chosen, self.entries)
        for a, b, kind, first, last in self.entries.found - before:
            relation, family = self.entries.families[kind]
            step = cost_of(relation)
            if self.allowed(relation, family, first, last) and step < self.adjacent.get(a, {}).get(b, inf):
                self.adjacent.setdefault(a, {})[b] = step
        return True

    def _labels(self, origin: str) -> dict[str, float]:
        """The cheapest known arrival at each entity from ``origin``, passing through expanded entities only."""
        best: dict[str, float] = {origin: 0.0}
        settled: set[str] = set()
        heap = [(0.0, origin)]
        while heap:
            cost, iri = heapq.heappop(heap)
            if iri in settled:
                continue
            settled.add(iri)
            if iri not in self.expanded or iri in self.avoid or (iri != origin and iri in self.ends):
                continue
            through = cost + (0.0 if iri == origin else hub_penalty(self.links[iri]))
            for other, step in self.adjacent.get(iri, {}).items():
                if through + step < best.get(other, inf):
                    best[other] = through + step
                    heapq.heappush(heap, (through + step, other))
        return best

    def index(self) -> PathIndex:
        """The index of what has been fetched, every entity that could lie inside a path with its hub count."""
        _links(self.graph, _inner(self.entries, self.expanded), self.links)
        return compact(self.entries, dict(self.links))


def search(
    graph: Graph, ends: tuple[str, str], *, allowed: Allowed, avoid: set[str], run: Run, wanted: int
) -> tuple[PathIndex, Found, bool]:
    """The paths ``run`` finds over a partial index grown until they are certain; and whether no bound cut it.

    The radius doubles until ``wanted`` paths cost at most twice the radius, or no entity
    within reach is left to expand.
    """
    grown = Search(graph, ends, allowed=allowed, avoid=avoid)
    radius = START_RADIUS
    while True:
        grown.grow(radius)
        index = grown.index()
        found = run(index)
        certain = len(found.paths) >= wanted and all(cost <= 2 * radius for cost in found.costs[:wanted])
        if certain or not grown.waiting or not found.complete:
            return index, found, not grown.cut
        if grown.spent or radius >= MAX_RADIUS:
            return index, _certain(found, 2 * radius), False  # only the paths no unfetched one could beat
        radius *= 2


def _certain(found: Found, bound: float) -> Found:
    keep = [number for number, cost in enumerate(found.costs) if cost <= bound]
    return Found([found.paths[k] for k in keep], False, [found.links[k] for k in keep], [found.costs[k] for k in keep])


def _inner(entries: Entries, expanded: set[str]) -> set[str]:
    """Entities whose entries may be partial yet could be inside a path: linked to two or more here."""
    linked: dict[str, set[str]] = {}
    for a, b, *_ in entries.found:
        if a not in expanded:
            linked.setdefault(a, set()).add(b)
    return {iri for iri, others in linked.items() if len(others) > 1}


def holds(family: str, first: int, last: int, day: int | None) -> bool:
    """Whether an entry's relation holds (a fact) or had happened (an event) by ``day`` (always without one)."""
    if day is None:
        return True
    if family == EVENT:
        return last <= day
    return first <= day <= last


def reach_size(graph: Graph, starts: Iterable[str], *, depth: int, day: int | None, above: int) -> int:
    """How many entities lie within ``depth`` hops of ``starts`` on the endpoint; exact up to ``above``.

    Counting stops once past ``above``: an entity linked to more than ``above``
    others settles it before its links are fetched.
    """
    seen = set(starts)
    layer = set(seen)
    for _ in range(depth):
        known: dict[str, int] = {}
        _links(graph, layer, known)
        if any(count > above for count in known.values()):
            return above + 1
        entries = Entries()
        _expand(graph, sorted(layer), entries)
        following = set()
        for a, b, kind, first, last in entries.found:
            if a in layer and b not in seen and holds(entries.families[kind][1], first, last, day):
                following.add(b)
        seen |= following
        if len(seen) > above or not following:
            break
        layer = following
    return len(seen)


def linked_total(graph: Graph) -> int:
    """How many entities are linked to some other, counted by the server."""
    from sco_graph.linkage import linked_pattern

    return count_of(graph.store.select(f"SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {{ {linked_pattern()} }}"))
