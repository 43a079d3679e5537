"""``show``: an entity card with its names, relations, positions, memberships, events, counterparts and sources."""

from __future__ import annotations

from sco_graph.dates import PartialDate
from sco_graph.graph import Graph
from sco_graph.queries.edges import edges_touching
from sco_graph.queries.order import as_of_day, edge_order, event_order
from sco_graph.results import Card, EntityRef, EventRow
from sco_graph.tenure import tenures


def show(graph: Graph, name: str, as_of: PartialDate | None = None) -> Card:
    """An entity card: names, relations, positions, memberships, events, counterparts, sources.

    With ``as_of``, only what held or had happened by that date. A single-holder
    office shows one holder on a day, and a tenure a later holder bounds says so
    (see :mod:`sco_graph.tenure`).
    """
    subject = graph.resolve(name)
    entry = graph.directory.get(subject.iri)
    description = graph.describe([subject.iri])[subject.iri]
    comment_values = description.get("http://www.w3.org/2000/01/rdf-schema#comment", [])
    day = as_of_day(as_of)
    involved: dict[str, EventRow] = {}
    touching = edges_touching(graph, [subject.iri], involved)
    # Single-holder offices and exclusive statuses: a later holder or status bounds an earlier one.
    known = tenures(graph, touching)
    edges = [known.bounded(edge) for edge in touching if day is None or known.holds_on(edge, day)]
    relations = [edge for edge in edges if edge.node is None]
    positions = [edge for edge in edges if edge.relation == "holds a position in"]
    member_relations = {"member of", "observer of", "partner of", "applicant to", "partner organisation of"}
    memberships = [edge for edge in edges if edge.relation in member_relations]
    events = sorted(
        (event for event in involved.values() if day is None or event.when.happened_by(day)), key=event_order
    )
    counterparts: dict[str, EntityRef] = {}
    for edge in edges:
        if edge.relation == "met":
            other = edge.target if edge.source.iri == subject.iri else edge.source
            counterparts[other.iri] = other
    citations = set(graph.citations([subject.iri])[subject.iri])
    for edge in edges:
        citations.update(edge.citations)
    for event in events:
        citations.update(event.citations)
    return Card(
        entity=subject,
        aliases=entry.aliases if entry else (),
        comment=comment_values[0].value if comment_values else None,
        relations=tuple(sorted(relations, key=lambda e: (e.relation, e.source.name, e.target.name))),
        positions=tuple(sorted(positions, key=lambda e: (e.source.name, e.target.name, edge_order(e)))),
        memberships=tuple(sorted(memberships, key=lambda e: (e.relation, e.source.name, e.target.name))),
        events=tuple(events),
        counterparts=tuple(sorted(counterparts.values(), key=lambda e: e.name)),
        citations=tuple(sorted(citations, key=lambda c: (c.source.iri, c.quote))),
    )
