"""``path``: how two entities are connected, hop by hop, shortest first.

The search runs over the compact path index (:mod:`sco_graph.paths`); the
relation that explains each hop is then read from the store, best first.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from itertools import pairwise

from sco_graph.dates import PartialDate
from sco_graph.errors import NoResultError, UsageError
from sco_graph.graph import Graph
from sco_graph.queries.order import as_of_day, edge_order
from sco_graph.relations import edge_holds_on, edges_from
from sco_graph.results import Edge, EntityRef, Hop, Paths
from sco_graph.terms import IRI

# No type pattern: with one, the engine plans a scan of every event (seconds on a million triples).
PAIR_NODES = """SELECT DISTINCT ?n WHERE {{ {pairs} ?n ?p ?a . ?n ?q ?b }}"""


def _edges_between(graph: Graph, pairs: set[tuple[str, str]], day: dt.date | None) -> dict[frozenset[str], list[Edge]]:
    """The relations between each pair of entities, best first (dated events, then facts)."""
    if not pairs:
        return {}
    values = "VALUES (?a ?b) { " + " ".join(f"({IRI(a).n3()} {IRI(b).n3()})" for a, b in sorted(pairs)) + " }"
    rows = graph.store.select(PAIR_NODES.format(pairs=values))
    described = {row["n"].value for row in rows} | {iri for pair in pairs for iri in pair}
    wanted = {frozenset(pair) for pair in pairs}
    between: dict[frozenset[str], list[Edge]] = defaultdict(list)
    for edge in edges_from(graph, graph.describe(described)):
        key = frozenset((edge.source.iri, edge.target.iri))
        if key in wanted and (day is None or edge_holds_on(edge, day)):
            between[key].append(edge)
    for options in between.values():
        options.sort(key=edge_order)
    return between


def path(
    graph: Graph,
    start: str,
    end: str,
    *,
    max_hops: int = 6,
    every: bool = False,
    as_of: PartialDate | None = None,
    limit: int = 50,
) -> Paths:
    """How two entities are connected, hop by hop, shortest first.

    Without ``every`` the shortest paths are returned; with it, every simple path
    of at most ``max_hops`` hops. At most ``limit`` paths are listed.
    """
    if not 1 <= max_hops <= 10:
        raise UsageError(f"--max-hops must be between 1 and 10 ({max_hops} given)")
    origin, target = graph.resolve(start), graph.resolve(end)
    if origin.iri == target.iri:
        raise UsageError(f"{start!r} and {end!r} are the same entity ({origin.name})")
    from sco_graph.mirror import path_index
    from sco_graph.paths import shortest_paths, simple_paths

    index = path_index(graph)
    day = as_of_day(as_of)
    ordinal = day.toordinal() if day else None
    a, b = index.id_of(origin.iri), index.id_of(target.iri)
    search = simple_paths if every else shortest_paths
    result = (
        search(index, a, b, day=ordinal, max_hops=max_hops, limit=limit + 1)
        if a is not None and b is not None
        else None
    )
    found = result.paths if result is not None else []
    complete = result is None or result.complete
    when = f" as of {as_of}" if as_of else ""
    if not found:
        raise NoResultError(_no_path(origin, target, max_hops, when, complete))
    node_paths = [[index.nodes[node] for node in nodes] for nodes in found[:limit]]
    between = _edges_between(graph, {(x, y) for nodes in node_paths for x, y in pairwise(nodes)}, day)

    def hops(nodes: list[str]) -> tuple[Hop, ...] | None:
        steps = []
        for x, y in pairwise(nodes):
            options = between.get(frozenset((x, y)))
            if not options:  # the index links them on some day, but no single relation holds on this one
                return None
            steps.append(Hop(graph.entity(x), graph.entity(y), options[0], len(options) - 1))
        return tuple(steps)

    explained = [steps for steps in map(hops, node_paths) if steps is not None]
    if not explained:
        raise NoResultError(_no_path(origin, target, max_hops, when, complete))
    explained.sort(key=lambda steps: (len(steps), [hop.end.name for hop in steps]))
    # A search that ran out of steps may have missed paths: the list is cut, like one past the limit.
    return Paths(origin, target, max_hops, as_of, tuple(explained), len(found) > limit or not complete, complete)


def _no_path(origin: EntityRef, target: EntityRef, max_hops: int, when: str, complete: bool) -> str:
    from sco_graph.escape import visible

    ends = f"{visible(origin.name)} and {visible(target.name)}{when}"
    if complete:
        return f"no path of at most {max_hops} hops links {ends}"
    from sco_graph.paths import STEP_BUDGET

    return f"no path linking {ends} was found in the first {STEP_BUDGET:,} steps of the search; lower --max-hops"
