"""Tenures over time: who held a single-holder office, and which status a member had, on a day.

An office marked ``sco:singleHolder true`` in the ontology (matched to positions
by organisation and role) has one holder at a time. When the sources attest a
later, different named holder, an earlier holder's tenure ended by the later
holder's earliest date (its start, or else its first attested day) at the
latest. That bound goes in :attr:`Period.ended_by`; no end date is invented.

An unnamed holder ("the SCO Secretary-General", attested on one day) may be the
same person as a named holder, or not: the articles do not say. So it never
bounds a named holder's tenure, and is never presented beside a named holder
who holds the office on the same day; on a day after a later attestation of the
office, whoever that later attestation names is presented instead.

Statuses work the same way: a member has one of member, observer or partner in
an organisation at a time, so a later, different one of these bounds an earlier
one. Applicant is not exclusive (an observer may apply to join) and is never bounded.
"""

from __future__ import annotations

import datetime as dt
import weakref
from collections import defaultdict
from collections.abc import Iterable
from typing import NamedTuple

from sco_graph.dates import PartialDate
from sco_graph.graph import Graph, period_of
from sco_graph.relations import edge_holds_on, status_on
from sco_graph.results import Edge, Period

EXCLUSIVE_STATUSES = frozenset({"member of", "observer of", "partner of"})
OFFICE_HOLDINGS = """SELECT ?fact ?office ?holder ?unnamed WHERE {
  ?office sco:singleHolder true ; sco:officeOf ?organisation ; sco:role ?role .
  ?fact a sco:Position ; sco:organisation ?organisation ; sco:role ?role ; sco:holder ?holder .
  BIND(EXISTS { ?holder a sco:UnnamedOfficeHolder } AS ?unnamed)
}"""


class Holding(NamedTuple):
    """One holder's (or one status's) stated tenure of a seat: an office, or a member's place in an organisation."""

    fact: str
    seat: str
    who: str  # the holder's IRI, or the status relation
    named: bool
    period: Period

    def first(self) -> PartialDate | None:
        """The earliest date the sources give for the tenure: its start, or else its first attested day."""
        if self.period.start is not None:
            return self.period.start
        return min(self.period.attested, key=PartialDate.sort_key, default=None)

    def last_seen(self) -> dt.date | None:
        """The latest day the sources place inside the tenure."""
        days = [day.latest() for day in self.period.attested]
        if self.period.start is not None:
            days.append(self.period.start.latest())
        return max(days, default=None)


def _later(holding: Holding, other: Holding) -> bool:
    """Whether ``other`` is first attested after everything known of ``holding``."""
    first, seen = other.first(), holding.last_seen()
    return other.fact != holding.fact and first is not None and seen is not None and first.earliest() > seen


class Tenures:
    """The holdings of single-holder offices and exclusive statuses, with the bounds they put on each other."""

    def __init__(self, holdings: Iterable[Holding]) -> None:
        self._holdings = {(holding.fact, holding.who): holding for holding in holdings}
        self._seats: dict[str, list[Holding]] = defaultdict(list)
        for holding in self._holdings.values():
            self._seats[holding.seat].append(holding)
        self._bounds = {key: self._bound(holding) for key, holding in self._holdings.items()}

    def _bound(self, holding: Holding) -> PartialDate | None:
        if not holding.named or holding.period.end is not None:
            return None
        later = [
            other.first()
            for other in self._seats[holding.seat]
            if other.named and other.who != holding.who and _later(holding, other)
        ]
        return min((day for day in later if day is not None), key=PartialDate.sort_key, default=None)

    def _holding(self, edge: Edge) -> Holding | None:
        if edge.node is None:
            return None
        return self._holdings.get(
            (edge.node, edge.relation if edge.relation in EXCLUSIVE_STATUSES else edge.source.iri)
        )

    def bounded(self, edge: Edge) -> Edge:
        """The edge with its tenure's bound (``period.ended_by``) when a later holder or status gives one."""
        holding = self._holding(edge)
        bound = self._bounds.get((holding.fact, holding.who)) if holding else None
        if bound is None or edge.period is None:
            return edge
        return edge._replace(period=edge.period._replace(ended_by=bound))

    def certainty(self, edge: Edge, day: dt.date) -> str | None:
        """Like :func:`status_on`, with the bounds and the unnamed holders' rule applied."""
        if edge.period is None:
            return None
        found = status_on(edge.period, day)
        holding = self._holding(edge)
        if found is None or holding is None:
            return found
        if holding.named:
            return self.certainty_of(holding, day)
        return None if self._presented_instead(holding, day) else found

    def _presented_instead(self, holding: Holding, day: dt.date) -> bool:
        """Whether another holding answers who held the office on ``day`` better than an unnamed one."""
        for other in self._seats[holding.seat]:
            if other is holding:
                continue
            first = other.first()
            if first is None or first.earliest() > day:
                continue
            if _later(holding, other):
                return True
            if other.named and self.certainty_of(other, day) in ("stated", "possible"):
                return True
        return False

    def certainty_of(self, holding: Holding, day: dt.date) -> str | None:
        """Whether a named holding held on ``day``, its bound applied: "stated", "possible", "unknown" or None."""
        found = status_on(holding.period, day)
        bound = self._bounds[(holding.fact, holding.who)]
        if found is None or bound is None:
            return found
        return None if day >= bound.latest() else "possible" if day >= bound.earliest() else found

    def holds_on(self, edge: Edge, day: dt.date) -> bool:
        """Whether a relation is known to hold (or have happened) by ``day``, tenures' bounds applied."""
        if self._holding(edge) is None:
            return edge_holds_on(edge, day)
        return self.certainty(edge, day) in ("stated", "possible")


def status_holdings(edges: Iterable[Edge]) -> list[Holding]:
    """The exclusive statuses (member, observer, partner) among ``edges``, one seat per member and organisation."""
    return [
        Holding(edge.node, f"{edge.source.iri} {edge.target.iri}", edge.relation, True, edge.period)
        for edge in edges
        if edge.relation in EXCLUSIVE_STATUSES and edge.node is not None and edge.period is not None
    ]


_OFFICE_HOLDINGS: weakref.WeakKeyDictionary[Graph, list[Holding]] = weakref.WeakKeyDictionary()


def office_holdings(graph: Graph) -> list[Holding]:
    """Every position in an office the data marks single-holder (read once per opened graph)."""
    known = _OFFICE_HOLDINGS.get(graph)
    if known is None:
        known = _OFFICE_HOLDINGS[graph] = _read_office_holdings(graph)
    return known


def _read_office_holdings(graph: Graph) -> list[Holding]:
    rows = graph.store.select(OFFICE_HOLDINGS)
    facts = {row["fact"].value for row in rows}
    descriptions = graph.describe(facts)
    return [
        Holding(
            row["fact"].value,
            row["office"].value,
            row["holder"].value,
            row["unnamed"].value not in ("true", "1"),
            period_of(descriptions[row["fact"].value]),
        )
        for row in rows
    ]


def tenures(graph: Graph, edges: Iterable[Edge]) -> Tenures:
    """The tenures that bear on ``edges``: every single-holder office's holders, and the edges' statuses.

    A member's statuses in an organisation all touch both, so the edges of
    either (as ``show`` and ``members`` gather them) hold every status that bears on them.
    """
    return Tenures([*office_holdings(graph), *status_holdings(edges)])
