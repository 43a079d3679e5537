"""``neighbours``: the entities related to one, grouped by relation, as a tree up to four levels deep.

An organisation's neighbours include its organs' relations, and a place's
(or a country's) those of the places inside it, through ``located in`` and
``part of`` at any depth; both are marked with ``via``.

``--relation`` takes a relation's name read either way ("holds a position in"
or "has position holder") and finds it in both directions; an unknown name is
a usage error with the nearest names suggested. A branch of the tree never
lists again the entity it grew from, nor the root (or the root's organs and
inner places) under a child.
"""

from __future__ import annotations

import datetime as dt
import difflib

from sco_graph.dates import PartialDate
from sco_graph.errors import UsageError
from sco_graph.escape import one_line
from sco_graph.graph import Graph, values_clause
from sco_graph.model import ENTITY_TYPES
from sco_graph.queries.edges import edges_touching
from sco_graph.queries.order import as_of_day, edge_order
from sco_graph.relations import (
    ENTITY_RELATIONS,
    EVENT_RULES,
    INVERSE,
    STATUS_RELATIONS,
    relation_from,
)
from sco_graph.results import Edge, EventRow, Neighbour, Neighbours
from sco_graph.tenure import tenures

ENTITY_TYPE_NAMES = tuple(sorted(set(ENTITY_TYPES.values())))
# Relations that facts state (relations.fact_edges), beside those of events and entities.
FACT_RELATIONS = ("holds a position in", "partner organisation of", *STATUS_RELATIONS.values())
HOSTED = "hosted"  # a place (or country) to those who took part in an event held there
HOSTS = ("country", "place")
CONTAINERS = ("organisation", "organ", "country", "place")  # subjects whose inner parts' relations are theirs
INNER_PLACES_QUERY = (
    "SELECT DISTINCT ?inner WHERE {{ {values} ?inner (sco:locatedIn|sco:partOf)+ ?outer ; a sco:Place }}"
)


def relation_names() -> dict[str, str]:
    """Every relation's name, read either way, mapped to the name its edges carry."""
    forward = {rule.relation for rule in EVENT_RULES} | set(ENTITY_RELATIONS.values()) | set(FACT_RELATIONS)
    forward.add(HOSTED)
    names = {name: name for name in forward}
    names.update({inverse: name for name, inverse in INVERSE.items() if name in forward})
    return names


def _relation(given: str | None) -> str | None:
    """The relation ``--relation`` names (as its edges carry it), or a usage error with suggestions."""
    if given is None:
        return None
    names = relation_names()
    wanted = " ".join(given.lower().split())
    if wanted in names:
        return names[wanted]
    close = difflib.get_close_matches(wanted, sorted(names), n=3, cutoff=0.6)
    hint = (
        f"did you mean {' or '.join(repr(name) for name in close)}?"
        if close
        else f"relations: {', '.join(sorted(names))}"
    )
    raise UsageError(one_line(f"--relation: no relation is named {given[:60]!r}; {hint}"))


def _inner(graph: Graph, iri: str, entity_type: str) -> list[str]:
    """Organs of a body and, for a place or country, the places inside it at any depth."""
    inner = set(graph.organs(iri))
    if entity_type in ("country", "place"):
        rows = graph.store.select(INNER_PLACES_QUERY.format(values=values_clause("outer", [iri])))
        inner.update(row["inner"].value for row in rows)
    inner.discard(iri)
    return sorted(inner)


def _hosted(iri: str, inner: list[str], events: dict[str, EventRow]) -> list[Edge]:
    """From a place (or one inside it) to each participant of an event held there."""
    edges = []
    for event in events.values():
        if event.place is not None and event.place.iri in (iri, *inner):
            for person in event.participants:
                edges.append(Edge(event.place, person, HOSTED, False, event.when, None, event.iri, event.label,
                                  event.citations, event.headline_only))  # fmt: skip
    return edges


def _neighbours_of(
    graph: Graph,
    iri: str,
    inner: list[str],
    *,
    day: dt.date | None,
    entity_type: str | None,
    relation: str | None,
    hosts: bool,
) -> list[Neighbour]:
    rows = []
    events: dict[str, EventRow] = {}
    edges = edges_touching(graph, [iri, *inner], events)
    if hosts:
        edges.extend(_hosted(iri, inner, events))
    held = tenures(graph, edges)  # an office or status a later holder or status has ended
    for edge in map(held.bounded, edges):
        if (day is not None and not held.holds_on(edge, day)) or (relation and edge.relation != relation):
            continue
        for me, other in ((edge.source, edge.target), (edge.target, edge.source)):
            inside = other.iri == iri or (me.iri != iri and other.iri in inner)  # the body's own structure
            if me.iri in (iri, *inner) and not inside:
                if entity_type and other.type != entity_type:
                    continue
                via = me if me.iri != iri else None
                rows.append(Neighbour(relation_from(edge, me.iri), other, edge, via))
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

    An organisation's neighbours include its organs' relations, and a place's
    those of the places inside it, marked with ``via``.
    """
    if not 1 <= depth <= 4:
        raise UsageError(f"--depth must be between 1 and 4 ({depth} given)")
    if entity_type is not None and entity_type not in ENTITY_TYPE_NAMES:
        raise UsageError(f"--type must be one of {', '.join(ENTITY_TYPE_NAMES)} ({entity_type!r} given)")
    wanted = _relation(relation)
    subject = graph.resolve(name)
    day = as_of_day(as_of)
    inner = _inner(graph, subject.iri, subject.type) if subject.type in CONTAINERS else []
    seen = {subject.iri, *inner}

    def expand(iri: str, level: int, parts: list[str], above: frozenset[str]) -> tuple[Neighbour, ...]:
        only_type = entity_type if level == depth else None
        hosts = graph.entity(iri).type in HOSTS
        found = _neighbours_of(graph, iri, parts, day=day, entity_type=only_type, relation=wanted, hosts=hosts)
        found = [row for row in found if row.other.iri not in above]  # never back up the branch
        fresh = [row for row in found if row.other.iri not in seen]
        seen.update(row.other.iri for row in fresh)
        result = []
        for row in found:
            children: tuple[Neighbour, ...] = ()
            if level < depth and row in fresh:
                children = expand(row.other.iri, level + 1, [], above | {row.other.iri, *inner})
            result.append(Neighbour(row.relation, row.other, row.edge, row.via, children))
        return tuple(result)

    return Neighbours(subject, depth, as_of, expand(subject.iri, 1, inner, frozenset({subject.iri})))
