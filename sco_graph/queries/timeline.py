"""``timeline``: events and dated facts in date order, all of them or those involving the named entities.

An organisation's timeline takes in its organs' events and those of the people
holding a post in it or its organs at the time (marked with ``via``). A place's
takes in the events at the places inside it, through ``located in`` and
``part of`` at any depth (marked with the inner place as ``via``).

Dated facts are rows of their own kind (``kind: "fact"``): the stated start or
end of a membership, partnership or position, at the precision the source gives.
The days a source merely attests a fact are never shown as a start.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import NamedTuple

from sco_graph.dates import PartialDate, When
from sco_graph.errors import UsageError
from sco_graph.graph import (
    Description,
    Graph,
    check_count,
    classes_of,
    first_text,
    iris_of,
    is_true,
    period_of,
    values_clause,
)
from sco_graph.model import EVENT_TYPES, FACT_TYPES, SCO, STATUSES, short_iri, type_name
from sco_graph.queries.order import event_order
from sco_graph.relations import STATUS_RELATIONS, event_rows, status_on
from sco_graph.results import Citation, EntityRef, EventRow, Period, Timeline
from sco_graph.terms import Row

EVENT_TYPE_NAMES = tuple(sorted(set(EVENT_TYPES.values())))
FACT_KINDS = tuple(sorted(set(FACT_TYPES.values())))
FACT = "fact"  # the --type word for every fact row
TYPE_NAMES = (*EVENT_TYPE_NAMES, *FACT_KINDS, FACT)

INVOLVED_QUERY = "SELECT DISTINCT ?event ?x WHERE {{ {values} {types} ?event ?p ?x . ?event a ?t }}"
AT_PLACE_QUERY = "SELECT DISTINCT ?event ?x WHERE {{ {values} {types} ?event sco:place ?x . ?event a ?t }}"
INSIDE_QUERY = "SELECT DISTINCT ?inner WHERE {{ {values} ?inner (sco:locatedIn|sco:partOf)+ ?outer }}"
DATED = "{ ?fact sco:start ?day } UNION { ?fact sco:end ?day }"  # facts with a stated start or end
FACTS_QUERY = """SELECT DISTINCT ?fact ?x WHERE {{ {values} {types} ?fact a ?t ; ?p ?x .
    VALUES ?p {{ sco:member sco:organisation sco:party sco:holder }} {dated} }}"""
ALL_FACTS_QUERY = "SELECT DISTINCT ?fact WHERE {{ {types} ?fact a ?t . {dated} }}"


def timeline(
    graph: Graph,
    names: Iterable[str] = (),
    *,
    start: PartialDate | None = None,
    stop: PartialDate | None = None,
    types: Iterable[str] = (),
    as_of: PartialDate | None = None,
) -> Timeline:
    """Events and dated facts in date order: all, or those involving the named entities and their organs.

    ``types`` selects rows by event type, fact kind (membership, partnership,
    position) or ``fact`` (every fact row); a leading ``-`` excludes instead.
    """
    kinds = tuple(types)
    selector = _Selector.of(kinds)
    if start and stop and start.earliest() > stop.latest():
        raise UsageError(f"--from {start} is after --to {stop}")
    if as_of and (stop is None or as_of.latest() < stop.latest()):
        stop = as_of
    subjects = tuple(graph.resolve(name) for name in names)
    via = _events_involving(graph, subjects)
    first = start.earliest() if start else None
    last = stop.latest() if stop else None
    rows = [
        _with_via(event, route.via)
        for event in event_rows(graph, via)
        if (route := _best(via[event.iri], event)) is not None
    ]
    if selector.wants_facts():
        rows.extend(_fact_rows(graph, _facts_involving(graph, subjects)))
    events = [row for row in rows if selector.keeps(row) and _within(row, first, last)]
    events.sort(key=event_order)
    return Timeline(subjects, tuple(events), start, stop, kinds)


class _Selector(NamedTuple):
    """Which rows ``--type`` keeps: any named (all when none is), and none of those excluded with ``-``."""

    include: tuple[str, ...]
    exclude: tuple[str, ...]

    @classmethod
    def of(cls, kinds: tuple[str, ...]) -> _Selector:
        include = tuple(kind for kind in kinds if not kind.startswith("-"))
        exclude = tuple(kind[1:] for kind in kinds if kind.startswith("-"))
        unknown = [kind for kind in (*include, *exclude) if kind not in TYPE_NAMES]
        if unknown:
            raise UsageError(
                f"--type must be one of {', '.join(TYPE_NAMES)}, each maybe with a leading '-' to exclude it "
                f"({unknown[0]!r} given)"
            )
        return cls(include, exclude)

    def keeps(self, row: EventRow) -> bool:
        def named(kind: str) -> bool:
            return kind == row.type or (kind == FACT and row.kind == FACT)

        return (not self.include or any(map(named, self.include))) and not any(map(named, self.exclude))

    def wants_facts(self) -> bool:
        if FACT in self.exclude:
            return False
        return not self.include or any(kind in (*FACT_KINDS, FACT) for kind in self.include)


class _Route(NamedTuple):
    """How a row reached a timeline: directly, through an organ or inner place, or through an official in office."""

    via: EntityRef | None = None
    office: Period | None = None

    def covers(self, event: EventRow) -> bool:
        """An official's event counts only while the official is known to hold the post."""
        if self.office is None:
            return True
        day = event.when.earliest() or event.when.latest()
        return day is not None and status_on(self.office, day) in ("stated", "possible")


OFFICIALS_QUERY = """SELECT ?holder ?fact WHERE {{ {values} ?fact a sco:Position ;
    sco:holder ?holder ; sco:organisation ?body }}"""


def _within(event: EventRow, first: dt.date | None, last: dt.date | None) -> bool:
    """Whether an event may fall in [first, last]; an undated one only when its bound is inside."""
    if not event.when.overlaps(first, last):
        return False
    if last is not None and event.when.date is None:
        return event.when.happened_by(last)
    return True


def _bodies(graph: Graph, subjects: tuple[EntityRef, ...]) -> dict[str, list[_Route]]:
    """The subjects themselves (directly) and their organs (``via`` the organ)."""
    routes: dict[str, list[_Route]] = {}
    for subject in subjects:
        routes.setdefault(subject.iri, []).insert(0, _Route())
        for organ in graph.organs(subject.iri):
            routes.setdefault(organ, []).append(_Route(graph.entity(organ)))
    return routes


def _events_involving(graph: Graph, subjects: tuple[EntityRef, ...]) -> dict[str, list[_Route]]:
    """Events involving the subjects (every event when there are none) and how each was reached.

    An organisation's events include its organs' and those of the people
    holding a post in it or its organs at the time; a place's include those at
    the places inside it.
    """
    type_values = values_clause("t", EVENT_TYPES)
    if not subjects:
        count = f"SELECT (COUNT(DISTINCT ?event) AS ?n) WHERE {{ {type_values} ?event a ?t }}"
        check_count(graph, count, "events", "name an entity whose timeline to list")
        rows = graph.store.select(f"SELECT DISTINCT ?event WHERE {{ {type_values} ?event a ?t }}")
        return {row["event"].value: [_Route()] for row in rows}
    routes = _bodies(graph, subjects)
    for subject in subjects:
        if subject.type in ("organisation", "organ", "country"):
            _add_officials(graph, [subject.iri, *graph.organs(subject.iri)], routes)
    found: dict[str, list[_Route]] = {}
    query = INVOLVED_QUERY.format(values=values_clause("x", routes), types=type_values)
    _merge(found, graph.store.select(query), routes)
    inside = _places_inside(graph, subjects)
    if inside:
        query = AT_PLACE_QUERY.format(values=values_clause("x", inside), types=type_values)
        _merge(found, graph.store.select(query), inside)
    return found


def _merge(found: dict[str, list[_Route]], rows: Iterable[Row], routes: dict[str, list[_Route]]) -> None:
    """Collect every route by which each row's event was reached (the engine's row order is open)."""
    for row in rows:
        found.setdefault(row["event"].value, []).extend(routes[row["x"].value])


def _best(routes: list[_Route], event: EventRow | None = None) -> _Route | None:
    """The most direct route that covers the event: direct, then through an organ or place, then an official.

    Ties go to the entity with the first IRI, so the choice never depends on the order rows arrived in.
    """
    covering = [route for route in routes if event is None or route.covers(event)]
    if not covering:
        return None
    return min(covering, key=lambda r: (r.via is not None, r.office is not None, r.via.iri if r.via else ""))


def _places_inside(graph: Graph, subjects: tuple[EntityRef, ...]) -> dict[str, list[_Route]]:
    """Places located in (or part of) a subject at any depth, each a route ``via`` itself."""
    outer = [subject.iri for subject in subjects]
    rows = graph.store.select(INSIDE_QUERY.format(values=values_clause("outer", outer)))
    inner = sorted({row["inner"].value for row in rows} - set(outer))
    return {iri: [_Route(graph.entity(iri))] for iri in inner}


def _add_officials(graph: Graph, bodies: list[str], routes: dict[str, list[_Route]]) -> None:
    rows = graph.store.select(OFFICIALS_QUERY.format(values=values_clause("body", bodies)))
    offices = graph.describe(row["fact"].value for row in rows)
    for row in rows:
        holder = row["holder"].value
        if holder not in bodies:
            routes.setdefault(holder, []).append(_Route(graph.entity(holder), period_of(offices[row["fact"].value])))


def _with_via(event: EventRow, organ: EntityRef | None) -> EventRow:
    if organ is None:
        return event
    return event._replace(via=organ)


# ------------------------------------------------------------------ dated facts
def _facts_involving(graph: Graph, subjects: tuple[EntityRef, ...]) -> dict[str, list[_Route]]:
    """Facts (memberships, partnerships, positions) of the subjects or their organs; all when there are none."""
    type_values = values_clause("t", FACT_TYPES)
    if not subjects:
        rows = graph.store.select(ALL_FACTS_QUERY.format(types=type_values, dated=DATED))
        return {row["fact"].value: [_Route()] for row in rows}
    routes = _bodies(graph, subjects)
    found: dict[str, list[_Route]] = {}
    query = FACTS_QUERY.format(values=values_clause("x", routes), types=type_values, dated=DATED)
    rows = [{"event": row["fact"], "x": row["x"]} for row in graph.store.select(query)]
    _merge(found, rows, routes)
    return found


def _fact_rows(graph: Graph, facts: dict[str, list[_Route]]) -> list[EventRow]:
    """A row for each stated start and end of the facts; attestation days are not starts."""
    descriptions = graph.describe(facts)
    citations = graph.citations(facts)
    rows: list[EventRow] = []
    for iri, description in sorted(descriptions.items()):
        period = period_of(description)
        for change, date in (("start", period.start), ("end", period.end)):
            if date is not None:
                for row in _fact_statements(graph, iri, description, citations[iri]):
                    route = _best(facts[iri])
                    rows.append(row._replace(when=When(date), change=change, via=route.via if route else None))
    return rows


def _fact_statements(
    graph: Graph, iri: str, description: Description, citations: tuple[Citation, ...]
) -> list[EventRow]:
    """What a fact states, as undated rows (one for each status of a membership)."""
    kind = type_name(classes_of(description), FACT_TYPES) or FACT

    def row(label: str, roles: list[tuple[str, EntityRef]], status: str | None) -> EventRow:
        participants = tuple(dict.fromkeys(entity for _, entity in roles))
        headline = is_true(description, SCO + "headlineOnly")
        return EventRow(iri, label, kind, When(), participants, None, None, None, headline, citations,
                        tuple(roles), kind=FACT, status=status)  # fmt: skip

    def entities(predicate: str) -> list[EntityRef]:
        return [graph.entity(value) for value in iris_of(description, predicate)]

    organisations = entities(SCO + "organisation")
    if kind == "partnership":
        parties = entities(SCO + "party")
        label = " and ".join(party.name for party in parties) + " partner organisations"
        return [row(label, [("party", party) for party in parties], None)]
    if kind == "position":
        role = first_text(description, SCO + "role")
        holders = entities(SCO + "holder")
        roles = [("holder", holder) for holder in holders] + [("organisation", body) for body in organisations]
        where = ", ".join(body.name for body in organisations)
        label = (
            f"{', '.join(holder.name for holder in holders)} {role + ' of' if role else 'holds a position in'} {where}"
        )
        return [row(label, roles, role)]
    members = entities(SCO + "member")
    roles = [("member", member) for member in members] + [("organisation", body) for body in organisations]
    statuses = [STATUSES.get(status, short_iri(status)) for status in iris_of(description, SCO + "status")]
    names = ", ".join(member.name for member in members)
    where = ", ".join(body.name for body in organisations)
    return [
        row(f"{names} {STATUS_RELATIONS.get(status, status + ' of')} {where}", roles, status) for status in statuses
    ]
