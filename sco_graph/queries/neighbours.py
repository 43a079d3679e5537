"""``neighbours``: the entities related to one, grouped by relation, as a tree up to four levels deep.

An organisation's neighbours include its organs' relations, marked with ``via``.
"""

from __future__ import annotations

import datetime as dt

from sco_graph.dates import PartialDate
from sco_graph.errors import UsageError
from sco_graph.graph import Graph
from sco_graph.model import ENTITY_TYPES
from sco_graph.queries.edges import edges_touching
from sco_graph.queries.order import as_of_day, edge_order
from sco_graph.relations import edge_holds_on, relation_from
from sco_graph.results import Neighbour, Neighbours

ENTITY_TYPE_NAMES = tuple(sorted(set(ENTITY_TYPES.values())))


def _neighbours_of(
    graph: Graph, iri: str, *, with_organs: bool, day: dt.date | None, entity_type: str | None, relation: str | None
) -> list[Neighbour]:
    organs = graph.organs(iri) if with_organs else []
    rows = []
    for edge in edges_touching(graph, [iri, *organs]):
        if day is not None and not edge_holds_on(edge, day):
            continue
        for me, other in ((edge.source, edge.target), (edge.target, edge.source)):
            inside = other.iri == iri or (me.iri != iri and other.iri in organs)  # the body's own structure
            if me.iri in (iri, *organs) and not inside:
                phrase = relation_from(edge, me.iri)
                via = me if me.iri != iri else None
                if (entity_type and other.type != entity_type) or (relation and phrase != relation):
                    continue
                rows.append(Neighbour(phrase, other, edge, via))
    rows.sort(key=lambda row: (row.relation, row.via is not None, row.other.name, edge_order(row.edge)))
    return rows


def neighbours(
    graph: Graph,
    name: str,
    *,
    depth: int = 1,
    entity_type: str | None = None,
    relation: str | None = None,
    as_of: PartialDate | None = None,
) -> Neighbours:
    """Entities related to the named one, grouped by relation; ``depth`` > 1 gives a tree.

    An organisation's neighbours include its organs' relations, marked with ``via``.
    """
    if not 1 <= depth <= 4:
        raise UsageError(f"--depth must be between 1 and 4 ({depth} given)")
    if entity_type is not None and entity_type not in ENTITY_TYPE_NAMES:
        raise UsageError(f"--type must be one of {', '.join(ENTITY_TYPE_NAMES)} ({entity_type!r} given)")
    subject = graph.resolve(name)
    day = as_of_day(as_of)
    seen = {subject.iri}

    def expand(iri: str, level: int, with_organs: bool) -> tuple[Neighbour, ...]:
        only_type = entity_type if level == depth else None
        found = _neighbours_of(graph, iri, with_organs=with_organs, day=day, entity_type=only_type, relation=relation)
        result = []
        fresh = [row for row in found if row.other.iri not in seen]
        seen.update(row.other.iri for row in fresh)
        for row in found:
            children: tuple[Neighbour, ...] = ()
            if level < depth and row in fresh:
                children = expand(row.other.iri, level + 1, False)
            result.append(Neighbour(row.relation, row.other, row.edge, row.via, children))
        return tuple(result)

    organisation = subject.type in ("organisation", "organ", "country")
    return Neighbours(subject, depth, as_of, expand(subject.iri, 1, organisation))
