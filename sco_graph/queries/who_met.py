"""``who-met``: everyone an entity met, one row per counterpart and meeting, in date order."""

from __future__ import annotations

from sco_graph.dates import PartialDate
from sco_graph.graph import Graph
from sco_graph.queries.order import as_of_day, event_order
from sco_graph.relations import event_rows
from sco_graph.results import MeetingRow, WhoMet
from sco_graph.terms import IRI

MEETINGS_QUERY = """SELECT DISTINCT ?event WHERE {
  ?event a sco:Meeting . { ?event sco:participant ?who } UNION { ?event sco:chair ?who } }"""


def who_met(graph: Graph, name: str, as_of: PartialDate | None = None) -> WhoMet:
    """Everyone the named entity met, one row per counterpart and meeting, in date order."""
    subject = graph.resolve(name)
    rows = graph.store.select(MEETINGS_QUERY, {"who": IRI(subject.iri)})
    day = as_of_day(as_of)
    meetings = []
    for event in event_rows(graph, (row["event"].value for row in rows)):
        if day is not None and not event.when.happened_by(day):
            continue
        for counterpart in event.participants:
            if counterpart.iri != subject.iri:
                meetings.append(MeetingRow(counterpart, event))
    meetings.sort(key=lambda row: (event_order(row.event), row.counterpart.name))
    return WhoMet(subject, as_of, tuple(meetings))
