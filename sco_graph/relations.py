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
from typing import NamedTuple

from sco_graph.graph import (
    Description,
    Graph,
    classes_of,
    first_text,
    iris_of,
    is_true,
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
    SCO + "place": "place",
}
# Relations an entity's own description states, with their sources in the entity's evidence.
ENTITY_RELATIONS = {
    SCO + "partOf": "part of",
    SCO + "locatedIn": "located in",
    SCO + "issuedBy": "issued by",
    SCO + "implements": "implements",
}
ROLE_PREDICATES = {role: predicate for predicate, role in {**PARTICIPANT_ROLES, **OTHER_ROLES}.items()}
ROLE_PREDICATES.update(holder=SCO + "holder", member=SCO + "member", party=SCO + "party")
STATUS_RELATIONS = {
    "member": "member of",
    "observer": "observer of",
    "partner": "partner of",
    "applicant": "applicant to",
}


def event_row(graph: Graph, iri: str, description: Description, citations: tuple[Citation, ...]) -> EventRow:
    """An event's description as a row."""
    roles: list[tuple[str, EntityRef]] = []
    for predicate, role in {**PARTICIPANT_ROLES, **OTHER_ROLES}.items():
        roles.extend((role, graph.entity(value)) for value in iris_of(description, predicate))
    participants: list[EntityRef] = []
    for role, entity in roles:
        if role in PARTICIPANT_ROLES.values() and entity not in participants:
            participants.append(entity)
    places = iris_of(description, ROLE_PREDICATES["place"])
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


class Rule(NamedTuple):
    """One kind of relation an event type states: from entities in some roles to those in others.

    The same rules make the Python edges (:func:`event_edges`) and the SPARQL that
    builds the path index (:mod:`sco_graph.mirror`), so the two always agree.
    """

    event_type: str
    sources: tuple[str, ...]
    targets: tuple[str, ...]  # empty: every pair of sources (a symmetric relation)
    relation: str


SAYING = ("speaker", "participant")
EVENT_RULES = (
    Rule("meeting", ("participant", "chair"), (), "met"),
    Rule("meeting", ("participant", "chair"), ("on the sidelines of",), "met on the sidelines of"),
    Rule("exercise", ("participant", "chair"), (), "held a joint exercise with"),
    Rule("signing", ("signatory",), (), "signed a document with"),
    Rule("signing", ("signatory",), ("document",), "signed"),
    Rule("summit", ("participant",), ("organiser",), "attended a summit of"),
    Rule("summit", ("organiser",), ("place",), "held a summit in"),
    Rule("interview", ("participant",), ("interviewer",), "gave an interview to"),
    Rule("interview", ("participant",), ("about",), "spoke about"),
    Rule("statement", SAYING, ("about",), "spoke about"),
    Rule("proposal", SAYING, ("about",), "proposed"),
    Rule("event", SAYING, ("about",), "was reported about"),
    Rule("founding", ("founder",), ("organisation",), "founded"),
    Rule("admission", ("admitted",), ("organisation",), "was admitted to"),
    Rule("application", ("applicant",), ("organisation",), "applied to join"),
)
# Events whose label says what was said: their edges carry it as detail.
TELLING = ("statement", "proposal", "interview", "event")


def event_edges(row: EventRow) -> list[Edge]:
    """The relations between entities that one event establishes."""
    detail = row.label if row.type in TELLING else None
    edges: list[Edge] = []
    for rule in EVENT_RULES:
        if rule.event_type != row.type:
            continue
        sources = _people(row, *rule.sources)
        if rule.targets:
            pairs = [(a, b) for a in sources for b in _people(row, *rule.targets)]
        else:
            pairs = list(combinations(sources, 2))
        edges.extend(
            Edge(
                a, b, rule.relation, not rule.targets, row.when, None, row.iri, detail, row.citations, row.headline_only
            )
            for a, b in pairs
        )
    return edges


def fact_edges(graph: Graph, iri: str, description: Description, citations: tuple[Citation, ...]) -> list[Edge]:
    """The relation a position, membership or partnership states."""
    kind = type_name(classes_of(description), FACT_TYPES)
    period = period_of(description)
    headline_only = is_true(description, SCO + "headlineOnly")
    edges: list[Edge] = []
    if kind == "position":
        role = first_text(description, SCO + "role")
        rank = first_text(description, SCO + "rank")
        detail = ", ".join(part for part in (role, rank) if part) or None
        for holder in iris_of(description, SCO + "holder"):
            for organisation in iris_of(description, SCO + "organisation"):
                edges.append(
                    Edge(
                        graph.entity(holder),
                        graph.entity(organisation),
                        "holds a position in",
                        False,
                        None,
                        period,
                        iri,
                        detail,
                        citations,
                        headline_only,
                    )
                )
    elif kind == "membership":
        statuses = [STATUSES.get(status, short_iri(status)) for status in iris_of(description, SCO + "status")]
        for member in iris_of(description, SCO + "member"):
            for organisation in iris_of(description, SCO + "organisation"):
                for status in statuses:
                    relation = STATUS_RELATIONS.get(status, f"{status} of")
                    edges.append(
                        Edge(
                            graph.entity(member),
                            graph.entity(organisation),
                            relation,
                            False,
                            None,
                            period,
                            iri,
                            None,
                            citations,
                            headline_only,
                        )
                    )
    elif kind == "partnership":
        parties = [graph.entity(party) for party in iris_of(description, SCO + "party")]
        for a, b in combinations(parties, 2):
            edges.append(Edge(a, b, "partner organisation of", True, None, period, iri, None, citations, headline_only))
    return edges


def entity_edges(graph: Graph, iri: str, description: Description, citations: tuple[Citation, ...]) -> list[Edge]:
    """Relations an entity's own description states (part of, located in, ...)."""
    edges: list[Edge] = []
    for predicate, relation in ENTITY_RELATIONS.items():
        for other in iris_of(description, predicate):
            edges.append(
                Edge(graph.entity(iri), graph.entity(other), relation, False, None, None, None, None, citations)
            )
    return edges


def edges_from(
    graph: Graph, descriptions: dict[str, Description], events: dict[str, EventRow] | None = None
) -> list[Edge]:
    """Every relation the described nodes (events, facts, entities) state.

    The event rows made on the way are left in ``events`` when a dict is given.
    """
    citations = graph.citations(descriptions)
    edges: list[Edge] = []
    for iri, description in sorted(descriptions.items()):
        classes = classes_of(description)
        if type_name(classes, EVENT_TYPES):
            row = event_row(graph, iri, description, citations[iri])
            if events is not None:
                events[iri] = row
            edges.extend(event_edges(row))
        elif type_name(classes, FACT_TYPES):
            edges.extend(fact_edges(graph, iri, description, citations[iri]))
        else:
            edges.extend(entity_edges(graph, iri, description, citations[iri]))
    return edges


def all_edges(graph: Graph, *, bounded: bool = False) -> list[Edge]:
    """Every relation in the graph (for pictures of everything and exports).

    On an endpoint only when the caller has counted them first (``bounded``).
    """
    from sco_graph.graph import local_only
    from sco_graph.model import ENTITY_TYPES

    if not bounded:
        local_only(graph, "listing every relation", "name an entity to start from, or run it where the data is")

    descriptions = graph.describe_all([*EVENT_TYPES, *FACT_TYPES, *ENTITY_TYPES])
    return edges_from(graph, descriptions)


def status_on(period: Period, day: dt.date) -> str | None:
    """Whether a fact held on ``day``: "stated", "possible", "unknown" or None (it did not)."""
    start, end = period.start, period.end
    if (end is not None and day > end.latest()) or (start is not None and day < start.earliest()):
        return None
    if (end is not None and day >= end.earliest()) or (start is not None and day <= start.latest()):
        return "possible"
    if start is not None or (period.attested and day >= period.attested[0].earliest()):
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
