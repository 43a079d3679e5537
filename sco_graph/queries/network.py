"""The network behind ``draw network``: the relations around entities up to a depth, size-checked first.

A picture past the drawing limit is refused before a single relation is
collected; the compact path index counts the neighbourhood cheaply.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from sco_graph.dates import PartialDate
from sco_graph.errors import UsageError
from sco_graph.graph import Graph
from sco_graph.queries.edges import edges_touching
from sco_graph.queries.order import as_of_day
from sco_graph.relations import edge_holds_on
from sco_graph.results import Edge, EntityRef


def network_edges(
    graph: Graph,
    names: Iterable[str] = (),
    depth: int = 1,
    as_of: PartialDate | None = None,
    max_nodes: int | None = None,
) -> tuple[tuple[EntityRef, ...], list[Edge]]:
    """The relations around the named entities up to ``depth`` hops (every relation with no names).

    Refuses, before collecting a single relation, when the neighbourhood holds
    more than ``max_nodes`` entities: the path index counts them cheaply.
    """
    if not 1 <= depth <= 4:
        raise UsageError(f"--depth must be between 1 and 4 ({depth} given)")
    day = as_of_day(as_of)
    subjects = tuple(graph.resolve(name) for name in names)
    _check_picture_size(graph, subjects, depth, day, max_nodes)
    if not subjects:
        from sco_graph.relations import all_edges

        edges = all_edges(graph, bounded=True)  # the size check above bounds it, on an endpoint too
        return (), [edge for edge in edges if day is None or edge_holds_on(edge, day)]
    seen = {subject.iri for subject in subjects}
    frontier = sorted(seen)
    found: dict[tuple[str, str, str, str], Edge] = {}
    for _ in range(depth):
        following: set[str] = set()
        for edge in edges_touching(graph, frontier):
            if day is not None and not edge_holds_on(edge, day):
                continue
            found[(edge.source.iri, edge.target.iri, edge.relation, edge.node or "")] = edge
            following.update(iri for iri in (edge.source.iri, edge.target.iri) if iri not in seen)
        seen |= following
        frontier = sorted(following)
        if not frontier:
            break
    return subjects, list(found.values())


def _check_picture_size(
    graph: Graph, subjects: tuple[EntityRef, ...], depth: int, day: dt.date | None, max_nodes: int | None
) -> None:
    """Refuse a picture whose neighbourhood is past the drawing limit, counting no further than the limit."""
    from sco_graph.draw import MAX_NODES
    from sco_graph.mirror import path_index
    from sco_graph.paths import linked_count, neighbourhood_size

    limit = MAX_NODES if max_nodes is None else max_nodes
    ordinal = day.toordinal() if day else None
    if graph.is_remote:
        from sco_graph.remote_paths import linked_total, reach_size

        iris = [subject.iri for subject in subjects]
        size = reach_size(graph, iris, depth=depth, day=ordinal, above=limit) if subjects else linked_total(graph)
        _refuse_past(size, limit, bool(subjects))
        return
    index = path_index(graph)
    if subjects:
        starts = [number for subject in subjects if (number := index.id_of(subject.iri)) is not None]
        size = neighbourhood_size(index, starts, day=ordinal, depth=depth, above=limit)
    else:
        size = linked_count(index, day=ordinal, above=limit)
    _refuse_past(size, limit, bool(subjects))


def _refuse_past(size: int, limit: int, named: bool) -> None:
    if size > limit:
        fewer = "lower --depth or name fewer entities" if named else "name an entity to draw around"
        raise UsageError(f"the picture would have more than {limit} nodes; {fewer}")
