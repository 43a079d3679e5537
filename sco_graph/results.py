"""Typed result objects: what every query returns and every renderer formats.

Each result knows its JSON form (``as_json``), which is the documented,
contract-tested shape scripts depend on: names with IRIs, ISO dates at their
precision, and sources on every row.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, NamedTuple

from sco_graph.dates import PartialDate, When

JSON = dict[str, Any]


class EntityRef(NamedTuple):
    iri: str
    name: str
    type: str

    def as_json(self) -> JSON:
        return {"name": self.name, "iri": self.iri, "type": self.type}


class Source(NamedTuple):
    """A source article, or a dated headline listed on an article's page (``listed_on`` that article)."""

    iri: str
    title: str
    publisher: str | None
    published: str | None
    seed_file: str | None
    listed_on: Source | None = None  # for a headline: the article whose page lists it

    @property
    def kind(self) -> str:
        """``article``, or ``headline`` for a headline known only from another article's page."""
        return "headline" if self.listed_on is not None else "article"

    @property
    def short(self) -> str:
        """A compact citation: ``Xinhua, 2023-05-13``, or for a listed headline its own date and the page's."""
        if self.listed_on is not None:
            return f"headline of {self.published or 'undated'} on the page of {self.listed_on.short}"
        who = self.publisher or f"“{_truncate(self.title, 40)}”"
        return f"{who}, {self.published or 'undated'}"

    def as_json(self) -> JSON:
        return {
            "iri": self.iri,
            "kind": self.kind,
            "title": self.title,
            "publisher": self.publisher,
            "published": self.published,
            "seed_file": self.seed_file,
            "listed_on": self.listed_on.as_json() if self.listed_on is not None else None,
        }


class Citation(NamedTuple):
    """A source and the verbatim snippet that states the fact."""

    source: Source
    quote: str

    def as_json(self) -> JSON:
        return {**self.source.as_json(), "quote": self.quote}


HEADLINE_MARK = "(headline only)"  # how text marks a fact whose only evidence is a listed headline


def _truncate(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def cite(citations: tuple[Citation, ...]) -> str:
    """``[Xinhua, 2023-05-13; Infoshos, 2019-07-12]`` with each source once."""
    seen: list[str] = []
    for citation in citations:
        if citation.source.short not in seen:
            seen.append(citation.source.short)
    return "[" + "; ".join(seen) + "]" if seen else "[no source]"


class Period(NamedTuple):
    """When a fact held: start and end at their precision, and the days sources attest it."""

    start: PartialDate | None = None
    end: PartialDate | None = None
    attested: tuple[PartialDate, ...] = ()
    # For a single-holder office or an exclusive status with no end date: a bound, never an end.
    # The tenure ended by this day (a later holder's or status's earliest date) at the latest.
    ended_by: PartialDate | None = None

    def __str__(self) -> str:
        if self.start and self.end:
            text = f"{self.start}–{self.end}"
        elif self.start:
            text = f"since {self.start}"
        elif self.end:
            text = f"until {self.end}"
        else:
            text = ""
        if self.attested:
            seen = ", ".join(str(day) for day in self.attested)
            text = f"{text}; attested {seen}" if text else f"attested {seen}"
        if self.ended_by is not None:
            text = f"{text or 'undated'}; ended by {self.ended_by} at the latest"
        return text or "undated"

    def as_json(self) -> JSON:
        return {
            "start": str(self.start) if self.start else None,
            "end": str(self.end) if self.end else None,
            "attested": [str(day) for day in self.attested],
            "ended_by": str(self.ended_by) if self.ended_by else None,
        }


class EventRow(NamedTuple):
    """An event with everything needed to show it."""

    iri: str
    label: str
    type: str
    when: When
    participants: tuple[EntityRef, ...]
    place: EntityRef | None
    occasion: str | None
    cameo: str | None
    headline_only: bool
    citations: tuple[Citation, ...]
    roles: tuple[tuple[str, EntityRef], ...] = ()
    via: EntityRef | None = None  # the organ (or the place inside a place) through which it reached a timeline
    kind: str = "event"  # "fact": the start or end of a membership, partnership or position
    change: str | None = None  # a fact row's "start" or "end"
    status: str | None = None  # a fact row's status (member, observer, ...) or role (President, ...)

    @property
    def type_text(self) -> str:
        """The type as shown: ``meeting``, or ``membership start`` for a fact row."""
        return f"{self.type} {self.change}" if self.change else self.type

    def as_json(self) -> JSON:
        return {
            "event": self.iri,
            "kind": self.kind,
            "change": self.change,
            "status": self.status,
            "label": self.label,
            "type": self.type,
            "when": self.when.as_json(),
            "participants": [entity.as_json() for entity in self.participants],
            "roles": [{"role": role, **entity.as_json()} for role, entity in self.roles],
            "place": self.place.as_json() if self.place else None,
            "occasion": self.occasion,
            "cameo": self.cameo,
            "headline_only": self.headline_only,
            "via": self.via.as_json() if self.via else None,
            "sources": [citation.as_json() for citation in self.citations],
        }


class MeetingRow(NamedTuple):
    """One counterpart someone met, at one meeting."""

    counterpart: EntityRef
    event: EventRow

    def as_json(self) -> JSON:
        event = self.event
        return {
            "counterpart": self.counterpart.as_json(),
            "when": event.when.as_json(),
            "place": event.place.as_json() if event.place else None,
            "occasion": event.occasion,
            "requested_by": [entity.as_json() for role, entity in event.roles if role == "requested by"],
            "event": {"iri": event.iri, "label": event.label, "cameo": event.cameo},
            "headline_only": event.headline_only,
            "sources": [citation.as_json() for citation in event.citations],
        }


class WhoMet(NamedTuple):
    subject: EntityRef
    as_of: PartialDate | None
    meetings: tuple[MeetingRow, ...]

    def as_json(self) -> JSON:
        return {
            "query": "who-met",
            "subject": self.subject.as_json(),
            "as_of": str(self.as_of) if self.as_of else None,
            "meetings": [row.as_json() for row in self.meetings],
        }


class Edge(NamedTuple):
    """A relation between two entities, from an event, a fact or an entity's own description."""

    source: EntityRef
    target: EntityRef
    relation: str
    symmetric: bool
    when: When | None
    period: Period | None
    node: str | None  # the event or fact IRI, when the relation comes from one
    detail: str | None
    citations: tuple[Citation, ...]
    headline_only: bool = False  # the only evidence is a dated headline listed beside an article

    def statement(self) -> str:
        """The hop as a readable, dated sentence with its sources (and its mark, when headline only)."""
        text = f"{self.source.name} {self.relation} {self.target.name}"
        if self.detail:
            text += f" ({self.detail})"
        if self.when is not None:
            text += f" on {self.when}" if self.when.date else f", {self.when}"
        elif self.period is not None and (self.period.start or self.period.attested):
            text += f", {self.period}"
        if self.headline_only:
            text += f" {HEADLINE_MARK}"
        return f"{text} {cite(self.citations)}"

    def date_text(self) -> str:
        if self.when is not None:
            return str(self.when)
        return str(self.period) if self.period is not None else ""

    def as_json(self) -> JSON:
        return {
            "from": self.source.as_json(),
            "relation": self.relation,
            "to": self.target.as_json(),
            "when": self.when.as_json() if self.when else None,
            "period": self.period.as_json() if self.period else None,
            "node": self.node,
            "detail": self.detail,
            "headline_only": self.headline_only,
            "statement": self.statement(),
            "sources": [citation.as_json() for citation in self.citations],
        }


class MemberRow(NamedTuple):
    member: EntityRef
    organisation: EntityRef
    status: str
    period: Period
    certainty: str  # "stated", "possible" (date precision straddles the day) or "" without --as-of
    fact: str
    citations: tuple[Citation, ...]

    def as_json(self) -> JSON:
        return {
            "member": self.member.as_json(),
            "organisation": self.organisation.as_json(),
            "status": self.status,
            "period": self.period.as_json(),
            "certainty": self.certainty or None,
            "fact": self.fact,
            "sources": [citation.as_json() for citation in self.citations],
        }


class Members(NamedTuple):
    organisations: tuple[EntityRef, ...]
    as_of: PartialDate | None
    status: str | None
    rows: tuple[MemberRow, ...]
    not_known: tuple[MemberRow, ...] = ()

    def as_json(self) -> JSON:
        return {
            "query": "members",
            "organisations": [entity.as_json() for entity in self.organisations],
            "as_of": str(self.as_of) if self.as_of else None,
            "status": self.status,
            "members": [row.as_json() for row in self.rows],
            "not_known_on_date": [row.as_json() for row in self.not_known],
        }


class Neighbour(NamedTuple):
    """One related entity, by one relation, seen from the entity asked about."""

    relation: str  # phrased from the subject's side ("member of", "has member")
    other: EntityRef
    edge: Edge
    via: EntityRef | None  # the organ whose relation this is, for an organisation
    children: tuple[Neighbour, ...] = ()

    def as_json(self) -> JSON:
        return {
            "relation": self.relation,
            "entity": self.other.as_json(),
            "when": self.edge.when.as_json() if self.edge.when else None,
            "period": self.edge.period.as_json() if self.edge.period else None,
            "detail": self.edge.detail,
            "node": self.edge.node,
            "headline_only": self.edge.headline_only,
            "via": self.via.as_json() if self.via else None,
            "sources": [citation.as_json() for citation in self.edge.citations],
            "neighbours": [child.as_json() for child in self.children],
        }


class Neighbours(NamedTuple):
    subject: EntityRef
    depth: int
    as_of: PartialDate | None
    neighbours: tuple[Neighbour, ...]

    def as_json(self) -> JSON:
        return {
            "query": "neighbours",
            "subject": self.subject.as_json(),
            "depth": self.depth,
            "as_of": str(self.as_of) if self.as_of else None,
            "neighbours": [row.as_json() for row in self.neighbours],
        }


class Hop(NamedTuple):
    """One step of a path: from one entity to the next, explained by its strongest relation; the others listed."""

    start: EntityRef
    end: EntityRef
    edge: Edge
    alternatives: int  # how many other relations link the same two entities
    others: tuple[Edge, ...] = ()  # those other relations, strongest first
    strength: str = ""  # the class of ``edge`` (sco_graph.strength): contact, organisational tie, ...

    def as_json(self) -> JSON:
        return {
            "from": self.start.as_json(),
            "to": self.end.as_json(),
            "statement": self.edge.statement(),
            "relation": self.edge.relation,
            "strength": self.strength,
            "when": self.edge.when.as_json() if self.edge.when else None,
            "period": self.edge.period.as_json() if self.edge.period else None,
            "node": self.edge.node,
            "headline_only": self.edge.headline_only,
            "other_relations": self.alternatives,
            "others": [
                {
                    "relation": edge.relation,
                    "strength": strength,
                    "statement": edge.statement(),
                    "node": edge.node,
                    "headline_only": edge.headline_only,
                }
                for edge, strength in zip(self.others, self.other_strengths, strict=True)
            ],
            "sources": [citation.as_json() for citation in self.edge.citations],
        }

    @property
    def other_strengths(self) -> tuple[str, ...]:
        from sco_graph.strength import strength_of

        return tuple(strength_of(edge.relation) for edge in self.others)


class Paths(NamedTuple):
    start: EntityRef
    end: EntityRef
    max_hops: int
    as_of: PartialDate | None
    paths: tuple[tuple[Hop, ...], ...]
    truncated: bool = False
    complete: bool = True  # False when the search ran out of work before it had looked at every candidate
    costs: tuple[float, ...] = ()  # each path's cost, as ranked
    via: tuple[str, ...] = ()  # the relations a path may use (all when empty)
    avoid: tuple[EntityRef, ...] = ()
    chronological: bool = False
    statement_only: bool = False  # the best path needs a hop that rests on statements only

    def as_json(self) -> JSON:
        return {
            "query": "path",
            "from": self.start.as_json(),
            "to": self.end.as_json(),
            "max_hops": self.max_hops,
            "as_of": str(self.as_of) if self.as_of else None,
            "via": list(self.via),
            "avoid": [entity.as_json() for entity in self.avoid],
            "chronological": self.chronological,
            "statement_only": self.statement_only,
            "truncated": self.truncated,
            "complete": self.complete,
            "paths": [
                {"hops": len(path), "cost": round(cost, 3), "steps": [hop.as_json() for hop in path]}
                for path, cost in zip(self.paths, self.costs or (0.0,) * len(self.paths), strict=True)
            ],
        }


class SharedOffice(NamedTuple):
    """One office (a role in a body) that two entities both held, with each one's tenure and sources."""

    role: str
    organisation: EntityRef
    first: tuple[Edge, ...]
    second: tuple[Edge, ...]

    def as_json(self) -> JSON:
        return {
            "role": self.role,
            "organisation": self.organisation.as_json(),
            "first": [edge.as_json() for edge in self.first],
            "second": [edge.as_json() for edge in self.second],
        }


class SharedEntity(NamedTuple):
    """A third entity (organisation, document, person, place) both are related to, with each side's relations."""

    kind: str
    entity: EntityRef
    strength: str  # the weaker of the two sides' strongest relations
    first: tuple[Edge, ...]
    second: tuple[Edge, ...]

    def as_json(self) -> JSON:
        return {
            "kind": self.kind,
            "entity": self.entity.as_json(),
            "strength": self.strength,
            "first": [edge.as_json() for edge in self.first],
            "second": [edge.as_json() for edge in self.second],
        }


class Common(NamedTuple):
    """What two entities share: relations between them, events together, offices, third entities."""

    first: EntityRef
    second: EntityRef
    as_of: PartialDate | None
    direct: tuple[Edge, ...]
    events: tuple[EventRow, ...]
    offices: tuple[SharedOffice, ...]
    shared: tuple[SharedEntity, ...]

    def as_json(self) -> JSON:
        return {
            "query": "common",
            "first": self.first.as_json(),
            "second": self.second.as_json(),
            "as_of": str(self.as_of) if self.as_of else None,
            "direct": [edge.as_json() for edge in self.direct],
            "events": [event.as_json() for event in self.events],
            "offices": [office.as_json() for office in self.offices],
            "shared": [row.as_json() for row in self.shared],
        }


class Timeline(NamedTuple):
    subjects: tuple[EntityRef, ...]
    events: tuple[EventRow, ...]
    start: PartialDate | None = None
    stop: PartialDate | None = None
    types: tuple[str, ...] = ()

    def as_json(self) -> JSON:
        return {
            "query": "timeline",
            "subjects": [entity.as_json() for entity in self.subjects],
            "from": str(self.start) if self.start else None,
            "to": str(self.stop) if self.stop else None,
            "types": list(self.types),
            "events": [event.as_json() for event in self.events],
        }


class Card(NamedTuple):
    """Everything known about one entity."""

    entity: EntityRef
    aliases: tuple[str, ...]
    comment: str | None
    relations: tuple[Edge, ...]  # part of, located in, issued by, and the reverse
    positions: tuple[Edge, ...]
    memberships: tuple[Edge, ...]
    events: tuple[EventRow, ...]
    counterparts: tuple[EntityRef, ...]
    citations: tuple[Citation, ...]

    def as_json(self) -> JSON:
        return {
            "query": "show",
            "entity": self.entity.as_json(),
            "aliases": list(self.aliases),
            "comment": self.comment,
            "relations": [edge.as_json() for edge in self.relations],
            "positions": [edge.as_json() for edge in self.positions],
            "memberships": [edge.as_json() for edge in self.memberships],
            "events": [event.as_json() for event in self.events],
            "counterparts": [entity.as_json() for entity in self.counterparts],
            "sources": [citation.as_json() for citation in self.citations],
        }


class SearchHit(NamedTuple):
    entity: EntityRef
    matched: str
    score: float

    def as_json(self) -> JSON:
        return {**self.entity.as_json(), "matched": self.matched, "score": self.score}


class SearchResult(NamedTuple):
    text: str
    hits: tuple[SearchHit, ...]

    def as_json(self) -> JSON:
        return {"query": "search", "text": self.text, "results": [hit.as_json() for hit in self.hits]}


class Ranked(NamedTuple):
    entity: EntityRef
    degree: int
    betweenness: float

    def as_json(self) -> JSON:
        return {**self.entity.as_json(), "degree": self.degree, "betweenness": self.betweenness}


class Stats(NamedTuple):
    triples: int
    entities: dict[str, int]
    events: dict[str, int]
    facts: dict[str, int]
    sources: int
    relations: int
    top: tuple[Ranked, ...]
    earliest: str | None
    latest: str | None
    betweenness_sample: int | None = None  # None: exact; else the number of sampled sources
    betweenness_absent: str | None = None  # why betweenness was not computed (every value 0.0), when it was not

    def as_json(self) -> JSON:
        absent = {"betweenness_absent": self.betweenness_absent} if self.betweenness_absent else {}
        return {
            "query": "stats",
            "betweenness_sample": self.betweenness_sample,
            **absent,
            "triples": self.triples,
            "entities": self.entities,
            "events": self.events,
            "facts": self.facts,
            "sources": self.sources,
            "relations": self.relations,
            "most_connected": [rank.as_json() for rank in self.top],
            "dates": {"earliest": self.earliest, "latest": self.latest},
        }


class SparqlResult:
    """The answer to a read-only SPARQL query: rows of terms (SELECT, CONSTRUCT) or a boolean (ASK).

    ``rows`` is a tuple, or a one-pass iterable streamed from the query process
    (see :mod:`sco_graph.sandbox`) whose own ``truncated`` attribute is known
    once it has been read to the end; :attr:`truncated` reads it from there.
    """

    __slots__ = ("_rows", "_truncated", "boolean", "kind", "limit", "variables")

    def __init__(  # noqa: PLR0917 - positional, like the named tuple it replaces (remote.py builds it so)
        self,
        kind: str,  # "select", "ask" or "graph"
        variables: tuple[str, ...],
        rows: Iterable[dict[str, Any]] = (),
        boolean: bool | None = None,
        truncated: bool = False,
        limit: int = 0,
    ) -> None:
        self.kind = kind
        self.variables = variables
        self._rows = rows
        self.boolean = boolean
        self._truncated = truncated
        self.limit = limit

    @property
    def rows(self) -> Iterable[dict[str, Any]]:
        """The rows: a tuple, or a stream that can be iterated once."""
        return self._rows

    @property
    def streamed(self) -> bool:
        """Whether :attr:`rows` is a one-pass stream rather than a tuple."""
        return not isinstance(self._rows, tuple | list)

    @property
    def truncated(self) -> bool:
        """Whether rows were left out at ``limit``; for a stream, known once it has been read to the end."""
        return self._truncated or bool(getattr(self._rows, "truncated", False))

    def __repr__(self) -> str:
        rows = "<stream>" if self.streamed else repr(self._rows)
        return (
            f"SparqlResult({self.kind!r}, {self.variables!r}, {rows}, {self.boolean!r}, {self.truncated!r}, "
            f"{self.limit!r})"
        )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, SparqlResult) or self.streamed or other.streamed:
            return NotImplemented if not isinstance(other, SparqlResult) else self is other
        mine = (self.kind, self.variables, tuple(self._rows), self.boolean, self.truncated, self.limit)
        return mine == (other.kind, other.variables, tuple(other._rows), other.boolean, other.truncated, other.limit)

    __hash__ = None  # type: ignore[assignment]

    def as_json(self) -> JSON:
        """The W3C SPARQL 1.1 JSON results document, exactly (reads a streamed result to its end)."""
        if self.kind == "ask":
            return {"head": {}, "boolean": self.boolean}
        bindings = [{name: term_json(term) for name, term in row.items()} for row in self._rows]
        return {"head": {"vars": list(self.variables)}, "results": {"bindings": bindings}}


def term_json(term: Any) -> JSON:
    """One term in the W3C SPARQL JSON results form."""
    from sco_graph.terms import IRI, BlankNode

    if isinstance(term, IRI):
        return {"type": "uri", "value": term.value}
    if isinstance(term, BlankNode):
        return {"type": "bnode", "value": term.value}
    if term.language:
        return {"type": "literal", "value": term.value, "xml:lang": term.language}
    if term.datatype == "http://www.w3.org/2001/XMLSchema#string":
        return {"type": "literal", "value": term.value}
    return {"type": "literal", "value": term.value, "datatype": term.datatype}
