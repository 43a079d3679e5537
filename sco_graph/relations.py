"""From events and facts to rows and relations between entities.

Events and dated facts are nodes in the RDF graph. This module turns their
descriptions into :class:`EventRow` objects and into entity-to-entity
:class:`Edge` objects ("met", "signed a document with", "member of", ...),
which neighbours, paths, statistics and the networkx mirror all share.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from itertools import combinations

from sco_graph.graph import (
    Description,
    Graph,
    classes_of,
    first_text,
    is_true,
    iris_of,
    label_of,
    period_of,
    when_of,
)
from sco_graph.model import EVENT_TYPES, FACT_TYPES, SCO, STATUSES, short_iri, type_name
from sco_graph.results import Citation, Edge, EntityRef, EventRow, Period

# Event properties that name who took part, and the role each one gives.
PARTICIPANT_ROLES = {
    SCO + "participant": "participant",
    SCO + "chair": "chair",
    SCO + "speaker": "speaker",
    SCO + "interviewer": "interviewer",
    SCO + "signatory": "signatory",
    SCO + "founder": "founder",
    SCO + "admitted": "admitted",
    SCO + "applicantState": "applicant",
}
OTHER_ROLES = {
    SCO + "organiser": "organiser",
    SCO + "requestedBy": "requested by",
    SCO + "about": "about",
    SCO + "organisation": "organisation",
    SCO + "document": "document",
    SCO + "onSidelinesOf": "on the sidelines of",
}
# Relations an entity's own description states, with their sources in the entity's evidence.
ENTITY_RELATIONS = {
    SCO + "partOf": "part of",
    SCO + "locatedIn": "located in",
    SCO + "issuedBy": "issued by",
    SCO + "implements": "implements",
}
STATUS_RELATIONS = {"member": "member of", "observer": "observer of", "partner": "partner of", "applicant": "applicant to"}


def event_row(graph: Graph, iri: str, description: Description, citations: tuple[Citation, ...]) -> EventRow:
    """An event's description as a row."""
    roles: list[tuple[str, EntityRef]] = []
    for predicate, role in {**PARTICIPANT_ROLES, **OTHER_ROLES}.items():
        roles.extend((role, graph.entity(value)) for value in iris_of(description, predicate))
    participants: list[EntityRef] = []
    for role, entity in roles:
        if role in PARTICIPANT_ROLES.values() and entity not in participants:
            participants.append(entity)
    places = iris_of(description, SCO + "place")
    return EventRow(
        iri=iri,
        label=label_of(description, short_iri(iri)),
        type=type_name(classes_of(description), EVENT_TYPES) or "event",
        when=when_of(description),
        participants=tuple(participants),
        place=graph.entity(places[0]) if places else None,
        occasion=first_text(description, SCO + "occasion"),
        cameo=first_text(description, SCO + "cameo"),
        headline_only=is_true(description, SCO + "headlineOnly"),
        citations=citations,
        roles=tuple(roles),
    )


def event_rows(graph: Graph, iris: Iterable[str]) -> list[EventRow]:
    wanted = sorted(set(iris))
    descriptions = graph.describe(wanted)
    citations = graph.citations(wanted)
    return [event_row(graph, iri, descriptions[iri], citations[iri]) for iri in wanted]


def _people(row: EventRow, *roles: str) -> list[EntityRef]:
    found: list[EntityRef] = []
    for role, entity in row.roles:
        if role in roles and entity not in found:
            found.append(entity)
    return found


def event_edges(row: EventRow) -> list[Edge]:
    """The relations between entities that one event establishes."""

    def edge(a: EntityRef, b: EntityRef, relation: str, symmetric: bool = False) -> Edge:
        return Edge(a, b, relation, symmetric, row.when, None, row.iri, row.label, row.citations)

    edges: list[Edge] = []
    about = _people(row, "about")
    if row.type in ("meeting", "exercise"):
        relation = "met" if row.type == "meeting" else "held a joint exercise with"
        people = _people(row, "participant", "chair")
        edges.extend(edge(a, b, relation, True) for a, b in combinations(people, 2))
    elif row.type == "signing":
        signatories = _people(row, "signatory")
        edges.extend(edge(a, b, "signed a document with", True) for a, b in combinations(signatories, 2))
        edges.extend(edge(a, doc, "signed") for a in signatories for doc in _people(row, "document"))
    elif row.type == "summit":
        for organiser in _people(row, "organiser"):
            edges.extend(edge(a, organiser, "attended a summit of") for a in _people(row, "participant"))
            if row.place:
                edges.append(edge(organiser, row.place, "held a summit in"))
    elif row.type == "interview":
        for speaker in _people(row, "participant"):
            edges.extend(edge(speaker, other, "gave an interview to") for other in _people(row, "interviewer"))
            edges.extend(edge(speaker, topic, "spoke about") for topic in about)
    elif row.type in ("statement", "proposal", "event"):
        relation = {"statement": "spoke about", "proposal": "proposed"}.get(row.type, "was reported about")
        edges.extend(edge(a, topic, relation) for a in _people(row, "speaker", "participant") for topic in about)
    elif row.type in ("founding", "admission", "application"):
        relation = {"founding": "founded", "admission": "was admitted to", "application": "applied to join"}[row.type]
        for organisation in _people(row, "organisation"):
            edges.extend(edge(a, organisation, relation) for a in _people(row, "founder", "admitted", "applicant"))
    if row.type == "meeting":
        for forum in _people(row, "on the sidelines of"):
            edges.extend(edge(a, forum, "met on the sidelines of") for a in _people(row, "participant", "chair"))
    return edges


def fact_edges(graph: Graph, iri: str, description: Description, citations: tuple[Citation, ...]) -> list[Edge]:
    """The relation a position, membership or partnership states."""
    kind = type_name(classes_of(description), FACT_TYPES)
    period = period_of(description)
    edges: list[Edge] = []
    if kind == "position":
        role = first_text(description, SCO + "role")
        rank = first_text(description, SCO + "rank")
        detail = ", ".join(part for part in (role, rank) if part) or None
        for holder in iris_of(description, SCO + "holder"):
            for organisation in iris_of(description, SCO + "organisation"):
                edges.append(
                    Edge(graph.entity(holder), graph.entity(organisation), "holds a position in", False, None, period, iri, detail, citations)
                )
    elif kind == "membership":
        statuses = [STATUSES.get(status, short_iri(status)) for status in iris_of(description, SCO + "status")]
        for member in iris_of(description, SCO + "member"):
            for organisation in iris_of(description, SCO + "organisation"):
                for status in statuses:
                    relation = STATUS_RELATIONS.get(status, f"{status} of")
                    edges.append(
                        Edge(graph.entity(member), graph.entity(organisation), relation, False, None, period, iri, None, citations)
                    )
    elif kind == "partnership":
        parties = [graph.entity(party) for party in iris_of(description, SCO + "party")]
        for a, b in combinations(parties, 2):
            edges.append(Edge(a, b, "partner organisation of", True, None, period, iri, None, citations))
    return edges


def entity_edges(graph: Graph, iri: str, description: Description, citations: tuple[Citation, ...]) -> list[Edge]:
    """Relations an entity's own description states (part of, located in, ...)."""
    edges = []
    for predicate, relation in ENTITY_RELATIONS.items():
        for other in iris_of(description, predicate):
            edges.append(Edge(graph.entity(iri), graph.entity(other), relation, False, None, None, None, None, citations))
    return edges


def edges_from(graph: Graph, descriptions: dict[str, Description]) -> list[Edge]:
    """Every relation the described nodes (events, facts, entities) state."""
    citations = graph.citations(descriptions)
    edges: list[Edge] = []
    for iri, description in sorted(descriptions.items()):
        classes = classes_of(description)
        if type_name(classes, EVENT_TYPES):
            edges.extend(event_edges(event_row(graph, iri, description, citations[iri])))
        elif type_name(classes, FACT_TYPES):
            edges.extend(fact_edges(graph, iri, description, citations[iri]))
        else:
            edges.extend(entity_edges(graph, iri, description, citations[iri]))
    return edges


def all_edges(graph: Graph) -> list[Edge]:
    """Every relation in the graph (for paths, statistics and exports)."""
    from sco_graph.model import ENTITY_TYPES

    descriptions = graph.describe_all([*EVENT_TYPES, *FACT_TYPES, *ENTITY_TYPES])
    return edges_from(graph, descriptions)


def status_on(period: Period, day: dt.date) -> str | None:
    """Whether a fact held on ``day``: "stated", "possible", "unknown" or None (it did not)."""
    start = period.start
    first_seen = period.attested[0] if period.attested else None
    if period.end is not None:
        if day > period.end.latest():
            return None
        if day >= period.end.earliest():
            return "possible"
    if start is not None:
        if day < start.earliest():
            return None
        if day <= start.latest():
            return "possible"
        return "stated"
    if first_seen is not None and day >= first_seen.earliest():
        return "stated"
    return "unknown"


def edge_holds_on(edge: Edge, day: dt.date) -> bool:
    """Whether a relation is known to hold (or have happened) by ``day``."""
    if edge.when is not None:
        if edge.when.date is not None:
            return edge.when.date.latest() <= day
        return edge.when.not_after is not None and edge.when.not_after.latest() <= day
    if edge.period is not None:
        return status_on(edge.period, day) in ("stated", "possible")
    return True


# How a directed relation reads from its target's side.
INVERSE = {
    "part of": "has part",
    "located in": "contains",
    "issued by": "issued",
    "implements": "implemented by",
    "holds a position in": "has position holder",
    "member of": "has member",
    "observer of": "has observer",
    "partner of": "has partner",
    "applicant to": "has applicant",
    "signed": "signed by",
    "attended a summit of": "summit attended by",
    "held a summit in": "hosted a summit of",
    "gave an interview to": "interviewed",
    "spoke about": "spoken about by",
    "proposed": "proposed by",
    "was reported about": "reported with",
    "founded": "founded by",
    "was admitted to": "admitted",
    "applied to join": "received an application from",
    "met on the sidelines of": "hosted on its sidelines",
}


def relation_from(edge: Edge, subject: str) -> str:
    """The edge's relation read from ``subject``'s side."""
    if edge.symmetric or edge.source.iri == subject:
        return edge.relation
    return INVERSE.get(edge.relation, f"is the object of '{edge.relation}' by")
