"""Path search on an endpoint: the part of the path index a question needs, fetched a frontier at a time.

A path of at most ``max_hops`` hops between A and B only passes through
entities within ``h`` hops of A or ``max_hops - h`` of B, and each of its links
touches an entity nearer than that to one end. So the search expands a
frontier from each end, one hop at a time, with batched ``VALUES`` queries that
return the event and fact nodes touching the frontier (what the relation rules
read of them: classes, roles, dates, statuses) and the relations the frontier's
entities state. The entries built from those rows, by the same code that
builds the local index, hold every link of every such path; entities that
could lie inside a path get their number of linked entities (the hub penalty)
from a server-side aggregate. The local search (:mod:`sco_graph.paths`) then
ranks paths over this partial index exactly as it does over the whole one.

Two bounds keep each question small whatever the store's size: an entity
linked to more than :data:`HUB_LINKS` others is not expanded (paths can still
pass through it, between expanded neighbours), and at most
:data:`FRONTIER` entities are expanded per hop and side. When either bound
cut the search, the answer says it may be incomplete.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import NamedTuple

from sco_graph.graph import Graph, values_clause
from sco_graph.linkage import links_query
from sco_graph.mirror import EVENT, NODE_PREDICATES, Entries, PathIndex, compact, link_described, link_entities
from sco_graph.model import ENTITY_TYPES, EVENT_TYPES, FACT_TYPES
from sco_graph.relations import ENTITY_RELATIONS

HUB_LINKS = 1000
FRONTIER = 500
BATCH = 100  # entities per expanding query

Allowed = Callable[[str, str, int, int], bool]  # (relation, family, first, last) -> may a path use it


class Neighbourhood(NamedTuple):
    """The partial index around two entities, and whether a bound cut its expansion."""

    links: PathIndex
    complete: bool


def _expand(graph: Graph, iris: list[str], entries: Entries) -> None:
    """Add the entries of every relation touching ``iris``."""
    nodes = values_clause("t", [*EVENT_TYPES, *FACT_TYPES])
    wanted = values_clause("p", NODE_PREDICATES)
    for start in range(0, len(iris), BATCH):
        batch = values_clause("x", iris[start : start + BATCH])
        rows = graph.store.select(
            f"""SELECT ?n ?p ?o WHERE {{ {{ SELECT DISTINCT ?n WHERE {{ {batch} {nodes} ?n ?r ?x . ?n a ?t }} }}
            {wanted} ?n ?p ?o }}"""
        )
        link_described(rows, entries)
        kinds, stated = values_clause("k", ENTITY_TYPES), values_clause("p", ENTITY_RELATIONS)
        rows = graph.store.select(
            f"""SELECT ?a ?p ?b WHERE {{ {batch} {kinds} {stated}
            {{ ?x a ?k ; ?p ?b . BIND(?x AS ?a) }} UNION {{ ?a a ?k ; ?p ?x . BIND(?x AS ?b) }} }}"""
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


def neighbourhood(
    graph: Graph, start: str, end: str, *, max_hops: int, allowed: Allowed, avoid: set[str]
) -> Neighbourhood:
    """The entries of every path of at most ``max_hops`` hops from ``start`` to ``end`` that ``allowed`` links."""
    entries = Entries()
    known: dict[str, int] = {}
    expanded: set[str] = set()
    complete = True
    near = (max_hops + 1) // 2
    for origin, depth in ((start, near), (end, max_hops - near)):
        seen = {origin}
        layer = {origin}
        for _ in range(depth):
            candidates = sorted(iri for iri in layer if iri not in expanded and iri not in avoid)
            _links(graph, candidates, known)
            small = [iri for iri in candidates if known[iri] <= HUB_LINKS]
            if len(small) < len(candidates) or len(small) > FRONTIER:
                complete = False
            chosen = sorted(small, key=lambda iri: (known[iri], iri))[:FRONTIER]
            _expand(graph, chosen, entries)
            expanded.update(chosen)
            following = set()
            for a, b, kind, first, last in entries.found:
                if a in layer and b not in seen and b not in avoid:
                    relation, family = entries.families[kind]
                    if allowed(relation, family, first, last):
                        following.add(b)
            seen |= following
            layer = following
            if not layer:
                break
    _links(graph, _inner(entries, expanded), known)
    return Neighbourhood(compact(entries, {iri: known[iri] for iri in known}), complete)


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

    rows = graph.store.select(f"SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {{ {linked_pattern()} }}")
    value = rows[0].get("n") if rows else None
    return int(value.value) if value is not None and value.value.isdigit() else 0
