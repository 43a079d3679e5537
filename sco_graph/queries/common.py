"""``common``: what two entities share: events together, offices both held, organisations, documents, people.

Each shared item carries both sides' relations to it with their dates and
sources, strongest first (see :mod:`sco_graph.strength`).
"""

from __future__ import annotations

import datetime as dt

from sco_graph.dates import PartialDate
from sco_graph.errors import UsageError
from sco_graph.graph import Graph, first_text
from sco_graph.model import SCO
from sco_graph.queries.edges import edges_touching
from sco_graph.queries.order import as_of_day, edge_order, event_order
from sco_graph.results import Common, Edge, EntityRef, EventRow, SharedEntity, SharedOffice
from sco_graph.tenure import tenures

KINDS = {
    "person": "person",
    "unnamed office holder": "person",
    "organisation": "organisation",
    "organ": "organisation",
    "country": "organisation",
    "place": "place",
}


def _order(edge: Edge) -> tuple[int, tuple[int, tuple[dt.date, int], str, str]]:
    from sco_graph.strength import rank_of

    return (rank_of(edge.relation), edge_order(edge))


def common(graph: Graph, first: str, second: str, as_of: PartialDate | None = None) -> Common:
    """What two entities share, strongest first, each item with both sides' dated, sourced relations."""
    a, b = graph.resolve(first), graph.resolve(second)
    if a.iri == b.iri:
        raise UsageError(f"{first!r} and {second!r} are the same entity ({a.name})")
    day = as_of_day(as_of)
    events: dict[str, EventRow] = {}
    touching = edges_touching(graph, [a.iri, b.iri], events)
    held = tenures(graph, touching)  # offices and statuses bounded as show and members bound them
    edges = [edge for edge in map(held.bounded, touching) if day is None or held.holds_on(edge, day)]
    together = sorted(
        (row for row in events.values() if _both_in(row, a, b) and (day is None or row.when.happened_by(day))),
        key=event_order,
    )
    direct = sorted((edge for edge in edges if {edge.source.iri, edge.target.iri} == {a.iri, b.iri}), key=_order)
    sides = _sides(edges, a, b)
    offices = _offices(graph, sides)
    in_offices = {id(edge) for office in offices for edge in (*office.first, *office.second)}
    shared = []
    for iri, (all_mine, all_theirs) in sides.items():
        mine = [edge for edge in all_mine if id(edge) not in in_offices]
        theirs = [edge for edge in all_theirs if id(edge) not in in_offices]
        if mine and theirs:
            entity = graph.entity(iri)
            shared.append(_shared(entity, sorted(mine, key=_order), sorted(theirs, key=_order)))
    from sco_graph.strength import CLASSES

    shared.sort(key=lambda row: (CLASSES.index(row.strength), row.kind, row.entity.name))
    return Common(a, b, as_of, tuple(direct), tuple(together), tuple(offices), tuple(shared))


def _both_in(row: EventRow, a: EntityRef, b: EntityRef) -> bool:
    present = {entity.iri for _, entity in row.roles}
    return a.iri in present and b.iri in present


def _sides(edges: list[Edge], a: EntityRef, b: EntityRef) -> dict[str, tuple[list[Edge], list[Edge]]]:
    """Every third entity linked to A or B, with A's relations to it and B's."""
    sides: dict[str, tuple[list[Edge], list[Edge]]] = {}
    for edge in edges:
        for slot, me in enumerate((a, b)):
            ends = (edge.source, edge.target)
            if me not in ends:
                continue
            other = edge.target if edge.source == me else edge.source
            if other.iri not in (a.iri, b.iri):
                sides.setdefault(other.iri, ([], []))[slot].append(edge)
    return sides


def _offices(graph: Graph, sides: dict[str, tuple[list[Edge], list[Edge]]]) -> list[SharedOffice]:
    """Offices (one role in one body) that both held, at any time."""
    from sco_graph.strength import OFFICE

    positions = [edge for mine, theirs in sides.values() for edge in (*mine, *theirs) if edge.relation == OFFICE]
    roles = {
        iri: first_text(description, SCO + "role") or ""
        for iri, description in graph.describe({edge.node for edge in positions if edge.node}).items()
    }
    found = []
    for iri, (mine, theirs) in sorted(sides.items()):
        for role in sorted({roles.get(edge.node or "", "") for edge in mine if edge.relation == OFFICE}):
            first = tuple(e for e in mine if e.relation == OFFICE and roles.get(e.node or "", "") == role)
            second = tuple(e for e in theirs if e.relation == OFFICE and roles.get(e.node or "", "") == role)
            if role and first and second:
                found.append(SharedOffice(role, graph.entity(iri), first, second))
    return found


def _shared(entity: EntityRef, mine: list[Edge], theirs: list[Edge]) -> SharedEntity:
    from sco_graph.strength import CLASSES, strength_of

    weaker = max(CLASSES.index(strength_of(mine[0].relation)), CLASSES.index(strength_of(theirs[0].relation)))
    kind = KINDS.get(entity.type, "document")
    return SharedEntity(kind, entity, CLASSES[weaker], tuple(mine), tuple(theirs))
