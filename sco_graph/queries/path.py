"""``path``: how two entities are connected, hop by hop, the best-explained path first.

The search runs over the compact path index (:mod:`sco_graph.paths`), each hop
costed by the strength of its relation (:mod:`sco_graph.strength`), hubs
penalised; the relations that explain each hop are then read from the store,
the one the search used first and the others after it, strongest first.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from itertools import pairwise
from typing import TYPE_CHECKING

from sco_graph.dates import PartialDate
from sco_graph.errors import NoResultError, UsageError
from sco_graph.graph import Graph
from sco_graph.queries.order import as_of_day, edge_order
from sco_graph.relations import edges_from
from sco_graph.results import Edge, EntityRef, Hop, Paths
from sco_graph.tenure import tenures
from sco_graph.terms import IRI

if TYPE_CHECKING:
    from sco_graph.mirror import PathIndex
    from sco_graph.paths import Found

# No type pattern: with one, the engine plans a scan of every event (seconds on a million triples).
PAIR_NODES = """SELECT DISTINCT ?n WHERE {{ {pairs} ?n ?p ?a . ?n ?q ?b }}"""
MOST_PATHS = 50


def _edges_between(graph: Graph, pairs: set[tuple[str, str]], day: dt.date | None) -> dict[frozenset[str], list[Edge]]:
    """The relations between each pair of entities, strongest first (then dated events, then facts)."""
    from sco_graph.strength import rank_of

    if not pairs:
        return {}
    values = "VALUES (?a ?b) { " + " ".join(f"({IRI(a).n3()} {IRI(b).n3()})" for a, b in sorted(pairs)) + " }"
    rows = graph.store.select(PAIR_NODES.format(pairs=values))
    described = {row["n"].value for row in rows} | {iri for pair in pairs for iri in pair}
    wanted = {frozenset(pair) for pair in pairs}
    between: dict[frozenset[str], list[Edge]] = defaultdict(list)
    edges = [edge for edge in edges_from(graph, graph.describe(described))
             if frozenset((edge.source.iri, edge.target.iri)) in wanted]  # fmt: skip
    held = tenures(graph, edges)  # an office a later holder took is shown ended by then, and not held after
    for edge in map(held.bounded, edges):
        if day is None or held.holds_on(edge, day):
            between[frozenset((edge.source.iri, edge.target.iri))].append(edge)
    for options in between.values():
        options.sort(key=lambda edge: (rank_of(edge.relation), edge_order(edge)))
    return between


def relations_for_via(via: list[str]) -> tuple[str, ...]:
    """The relation names ``--via`` gives, in the index's direction; unknown ones are a usage error."""
    import difflib

    from sco_graph.escape import visible
    from sco_graph.strength import relation_names

    known = relation_names()
    chosen: list[str] = []
    for name in via:
        wanted = " ".join(name.split()).lower()
        if wanted not in known:
            close = difflib.get_close_matches(wanted, list(known), n=3, cutoff=0.6)
            hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
            listed = ", ".join(sorted({known[n] for n in known}))
            raise UsageError(f"--via: unknown relation {visible(name)!r}{hint} (relations: {listed})")
        if known[wanted] not in chosen:
            chosen.append(known[wanted])
    return tuple(chosen)


def path(
    graph: Graph,
    start: str,
    end: str,
    *,
    max_hops: int = 6,
    every: bool = False,
    as_of: PartialDate | None = None,
    limit: int = MOST_PATHS,
    via: list[str] | None = None,
    avoid: list[str] | None = None,
    chronological: bool = False,
) -> Paths:
    """How two entities are connected, hop by hop, the best-explained path first.

    Without ``every`` the best path is returned; with it, up to ``limit`` paths of
    at most ``max_hops`` hops, best first. ``via`` restricts the relations used,
    ``avoid`` excludes entities, ``chronological`` wants each hop no earlier than
    the one before.
    """
    if not 1 <= max_hops <= 10:
        raise UsageError(f"--max-hops must be between 1 and 10 ({max_hops} given)")
    if not 1 <= limit <= MOST_PATHS:
        raise UsageError(f"--limit must be between 1 and {MOST_PATHS} ({limit} given)")
    relations = relations_for_via(via or [])
    origin, target = graph.resolve(start), graph.resolve(end)
    if origin.iri == target.iri:
        raise UsageError(f"{start!r} and {end!r} are the same entity ({origin.name})")
    avoided = _avoided(graph, avoid or [], origin, target)
    from sco_graph.paths import Rules, best_paths
    from sco_graph.strength import OFFICE, OFFICES_IN_A_ROW, cost_of

    day = as_of_day(as_of)
    wanted = limit if every else 1
    office = OFFICE
    asked = wanted + 1 if every else 1  # one more than shown tells whether there are more

    def run(index: PathIndex) -> Found | None:
        costs = [cost_of(name) if not relations or name in relations else None for name, _ in index.kind_names]
        ids = {index.id_of(entity.iri) for entity in avoided} - {None}
        kind = index.kind_id(office)
        rules = Rules(
            costs,
            day.toordinal() if day else None,
            frozenset(i for i in ids if i is not None),
            chronological,
            None if kind is None else (kind, OFFICES_IN_A_ROW),
        )
        a, b = index.id_of(origin.iri), index.id_of(target.iri)
        if a is None or b is None:
            return None
        return best_paths(index, a, b, rules=rules, max_hops=max_hops, limit=asked)

    index, found, reached = _search(graph, origin, target, relations, day, avoided, run, asked)
    complete = (found is None or found.complete) and reached
    when = f" as of {as_of}" if as_of else ""
    if found is None or not found.paths:
        raise NoResultError(_no_path(origin, target, max_hops, when, complete, reached))
    between = _edges_between(graph, _pairs(index, found.paths[:wanted]), day)
    explained: list[tuple[tuple[Hop, ...], float]] = []
    for nodes, entries, cost in zip(found.paths[:wanted], found.links, found.costs, strict=False):
        steps = _hops(graph, index, nodes, entries, between)
        if steps is not None:
            explained.append((steps, cost))
    if not explained:
        raise NoResultError(_no_path(origin, target, max_hops, when, complete, reached))
    from sco_graph.strength import STATEMENT

    return Paths(
        origin,
        target,
        max_hops,
        as_of,
        tuple(steps for steps, _ in explained),
        len(found.paths) > wanted or not complete,
        complete,
        tuple(cost for _, cost in explained),
        relations,
        avoided,
        chronological,
        any(hop.strength == STATEMENT for hop in explained[0][0]),
    )


def _search(  # noqa: PLR0917 - the question's parts
    graph: Graph,
    origin: EntityRef,
    target: EntityRef,
    relations: tuple[str, ...],
    day: dt.date | None,
    avoided: tuple[EntityRef, ...],
    run: Callable[[PathIndex], Found | None],
    wanted: int,
) -> tuple[PathIndex, Found | None, bool]:
    """Run the search over the whole path index, or on an endpoint over the part around the two ends."""
    if not graph.is_remote:
        from sco_graph.mirror import path_index

        index = path_index(graph)
        return index, run(index), True
    from sco_graph.paths import Found
    from sco_graph.remote_paths import holds, search

    ordinal = day.toordinal() if day else None

    def allowed(relation: str, family: str, first: int, last: int) -> bool:
        return (not relations or relation in relations) and holds(family, first, last, ordinal)

    def found_in(index: PathIndex) -> Found:
        return run(index) or Found([], complete=True)

    return search(
        graph,
        (origin.iri, target.iri),
        allowed=allowed,
        avoid={entity.iri for entity in avoided},
        run=found_in,
        wanted=wanted,
    )


def _avoided(graph: Graph, names: list[str], origin: EntityRef, target: EntityRef) -> tuple[EntityRef, ...]:
    from sco_graph.escape import visible

    avoided: list[EntityRef] = []
    for name in names:
        entity = graph.resolve(name)
        if entity.iri in (origin.iri, target.iri):
            raise UsageError(f"--avoid {visible(name)!r} names an end of the path ({visible(entity.name)})")
        if entity not in avoided:
            avoided.append(entity)
    return tuple(avoided)


def _pairs(index: PathIndex, paths: list[list[int]]) -> set[tuple[str, str]]:
    return {(index.nodes[x], index.nodes[y]) for nodes in paths for x, y in pairwise(nodes)}


def _hops(
    graph: Graph, index: PathIndex, nodes: list[int], entries: list[int], between: dict[frozenset[str], list[Edge]]
) -> tuple[Hop, ...] | None:
    """The hops of one path: each explained by the relation the search took, the others after it."""
    from sco_graph.strength import strength_of

    steps = []
    for (x, y), entry in zip(pairwise(nodes), entries, strict=True):
        options = between.get(frozenset((index.nodes[x], index.nodes[y])))
        relation = index.kind_names[index.kinds[entry]][0]
        chosen = _chosen(index, entry, [edge for edge in options or [] if edge.relation == relation])
        if chosen is None or options is None:  # the index links them, but no relation holds on the day asked
            return None
        others = tuple(edge for edge in options if edge is not chosen)
        start, end = graph.entity(index.nodes[x]), graph.entity(index.nodes[y])
        steps.append(Hop(start, end, chosen, len(others), others, strength_of(chosen.relation)))
    return _offices_in_a_row(steps)


def _offices_in_a_row(steps: list[Hop]) -> tuple[Hop, ...]:
    """Two offices in a row link through a body (or a person), not by contact: both read as organisational ties."""
    from sco_graph.strength import OFFICE, TIE

    marked = list(steps)
    for number, (one, two) in enumerate(pairwise(steps)):
        if one.edge.relation == two.edge.relation == OFFICE:
            marked[number], marked[number + 1] = one._replace(strength=TIE), two._replace(strength=TIE)
    return tuple(marked)


def _chosen(index: PathIndex, entry: int, candidates: list[Edge]) -> Edge | None:
    """The relation behind an index entry: of its kind, and on its days when they can be told apart."""
    from sco_graph.mirror import FOREVER, NOT_BEFORE

    first, last = index.first[entry], index.last[entry]
    for edge in candidates:
        if edge.when is not None and edge.when.date is not None:
            span = (edge.when.date.earliest().toordinal(), edge.when.date.latest().toordinal())
        elif edge.when is not None and edge.when.not_after is not None:
            span = (NOT_BEFORE, edge.when.not_after.latest().toordinal())
        else:
            continue
        if span == (first, last):
            return edge
    if first not in (NOT_BEFORE, FOREVER):
        for edge in candidates:
            days = [day.earliest().toordinal() for day in _starts(edge)]
            if days and min(days) == first:
                return edge
    return candidates[0] if candidates else None


def _starts(edge: Edge) -> list[PartialDate]:
    """A fact's stated start, or else the days it is attested."""
    if edge.period is None:
        return []
    return [edge.period.start] if edge.period.start else list(edge.period.attested)


def _no_path(  # noqa: PLR0917 - the question's parts
    origin: EntityRef, target: EntityRef, max_hops: int, when: str, complete: bool, reached: bool
) -> str:
    from sco_graph.escape import visible

    ends = f"{visible(origin.name)} and {visible(target.name)}{when}"
    if complete:
        return f"no path of at most {max_hops} hops links {ends}"
    if not reached:
        from sco_graph.remote_paths import FRONTIER, HUB_LINKS

        return (
            f"no path linking {ends} was found on the endpoint, where entities linked to more than {HUB_LINKS:,} "
            f"others and frontiers past {FRONTIER:,} entities are not expanded; lower --max-hops or use --via"
        )
    from sco_graph.paths import STEP_BUDGET

    return f"no path linking {ends} was found in the first {STEP_BUDGET:,} steps of the search; lower --max-hops"
