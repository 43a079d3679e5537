"""``timeline``: events in date order, all of them or those involving the named entities.

An organisation's timeline takes in its organs' events and those of the people
holding a post in it or its organs at the time (marked with ``via``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import NamedTuple

from sco_graph.dates import PartialDate
from sco_graph.errors import UsageError
from sco_graph.graph import Graph, period_of, values_clause
from sco_graph.model import EVENT_TYPES
from sco_graph.queries.order import event_order
from sco_graph.relations import event_rows, status_on
from sco_graph.results import EntityRef, EventRow, Period, Timeline

EVENT_TYPE_NAMES = tuple(sorted(set(EVENT_TYPES.values())))

INVOLVED_QUERY = "SELECT DISTINCT ?event ?x WHERE {{ {values} {types} ?event ?p ?x . ?event a ?t }}"


def timeline(
    graph: Graph,
    names: Iterable[str] = (),
    *,
    start: PartialDate | None = None,
    stop: PartialDate | None = None,
    types: Iterable[str] = (),
    as_of: PartialDate | None = None,
) -> Timeline:
    """Events in date order: all of them, or those involving the named entities and their organs."""
    kinds = tuple(types)
    unknown = [kind for kind in kinds if kind not in EVENT_TYPE_NAMES]
    if unknown:
        raise UsageError(f"--type must be one of {', '.join(EVENT_TYPE_NAMES)} ({unknown[0]!r} given)")
    if start and stop and start.earliest() > stop.latest():
        raise UsageError(f"--from {start} is after --to {stop}")
    if as_of and (stop is None or as_of.latest() < stop.latest()):
        stop = as_of
    subjects = tuple(graph.resolve(name) for name in names)
    via = _events_involving(graph, subjects)
    first = start.earliest() if start else None
    last = stop.latest() if stop else None
    events = [
        _with_via(event, via[event.iri].via)
        for event in event_rows(graph, via)
        if (not kinds or event.type in kinds) and _within(event, first, last) and via[event.iri].covers(event)
    ]
    events.sort(key=event_order)
    return Timeline(subjects, tuple(events), start, stop, kinds)


class _Route(NamedTuple):
    """How an event reached a timeline: directly, through an organ, or through an official in office."""

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


def _events_involving(graph: Graph, subjects: tuple[EntityRef, ...]) -> dict[str, _Route]:
    """Events involving the subjects (every event when there are none) and how each was reached.

    An organisation's events include its organs' and those of the people
    holding a post in it or its organs at the time.
    """
    type_values = values_clause("t", EVENT_TYPES)
    if not subjects:
        rows = graph.store.select(f"SELECT DISTINCT ?event WHERE {{ {type_values} ?event a ?t }}")
        return {row["event"].value: _Route() for row in rows}
    routes: dict[str, list[_Route]] = {}
    for subject in subjects:
        routes[subject.iri] = [_Route()]
        bodies = [subject.iri, *graph.organs(subject.iri)]
        for organ in bodies[1:]:
            routes.setdefault(organ, []).append(_Route(graph.entity(organ)))
        if subject.type in ("organisation", "organ", "country"):
            _add_officials(graph, bodies, routes)
    found: dict[str, _Route] = {}
    query = INVOLVED_QUERY.format(values=values_clause("x", routes), types=type_values)
    for row in graph.store.select(query):
        for route in routes[row["x"].value]:
            current = found.get(row["event"].value)
            if current is None or (current.via is not None and route.via is None):
                found[row["event"].value] = route
    return found


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
