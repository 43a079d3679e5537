"""``stats``: counts by type, the most connected entities (degree and betweenness) and the dates covered.

The figures drawn from the links between entities (how many pairs are linked,
degree and betweenness) come from :mod:`sco_graph.centrality` in one call; the
rest are aggregate queries on the store.
"""

from __future__ import annotations

import re
from collections import Counter

from sco_graph.dates import DATATYPE_PRECISION, PartialDate
from sco_graph.errors import UsageError
from sco_graph.graph import Graph, count_of, values_clause
from sco_graph.model import ENTITY_TYPES, EVENT_TYPES, FACT_TYPES
from sco_graph.results import Stats
from sco_graph.terms import Literal

# The dates of events (their date, end date or latest possible date), and the same properties of any node.
_DATES = "VALUES ?p { sco:date sco:endDate sco:notAfter } ?e ?p ?d ."
_EVENT_DATES = f"{values_clause('t', EVENT_TYPES)} {_DATES} ?e a ?t ."
# A date's lexical form as the loader admits it: fixed width, so within one datatype text order is date order.
_CANONICAL = re.compile(r"[0-9]{4}(?:-[0-9]{2}){0,2}", re.ASCII)


def stats(graph: Graph, top: int = 10) -> Stats:
    """Counts by type, the most connected entities and the dates covered."""
    if not 0 <= top <= 1000:
        raise UsageError(f"--top must be between 0 and 1000 ({top} given)")

    def count(classes: dict[str, str]) -> dict[str, int]:
        rows = graph.store.select(
            f"SELECT ?t (COUNT(DISTINCT ?s) AS ?n) WHERE {{ {values_clause('t', classes)} ?s a ?t }} GROUP BY ?t"
        )
        counts: Counter[str] = Counter()
        for row in rows:
            counts[classes[row["t"].value]] += count_of([row])
        return dict(sorted(counts.items()))

    triples = count_of(graph.store.select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"))
    sources = count_of(graph.store.select("SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a sco:Article }"))
    if graph.is_remote:
        from sco_graph.remote_stats import remote_connected

        linked = remote_connected(graph, top)
    else:
        from sco_graph.centrality import most_connected

        linked = most_connected(graph, top)
    earliest, latest = _date_range(graph)
    return Stats(
        triples=triples,
        entities=count(ENTITY_TYPES),
        events=count(EVENT_TYPES),
        facts=count(FACT_TYPES),
        sources=sources,
        relations=linked.relations,
        betweenness_sample=linked.sample,
        betweenness_absent=linked.reason,
        top=linked.ranking,
        earliest=str(earliest) if earliest else None,
        latest=str(latest) if latest else None,
    )


def _date_range(graph: Graph) -> tuple[PartialDate | None, PartialDate | None]:
    """The earliest and latest date of any event, at their own precision.

    The store finds the first and last lexical form of each date datatype. In the
    loader's fixed-width forms that is the first and last date of each precision,
    and the range is the first and last of those few. They are first found among
    every node's dates, which needs no join; when one of them is not an event's,
    among events' dates only. When a first or last form is not such a date (data
    the loader did not check), every date is read instead.
    """
    anywhere = _extremes(graph, _DATES)
    if anywhere is not None and _all_of_events(graph, anywhere):
        found: list[Literal] | None = anywhere
    else:
        found = _extremes(graph, _EVENT_DATES)
    if found is None:
        return _date_range_read(graph)
    dates = sorted((PartialDate.from_literal(end.value, end.datatype) for end in found), key=PartialDate.sort_key)
    return (dates[0], dates[-1]) if dates else (None, None)


def _extremes(graph: Graph, pattern: str) -> list[Literal] | None:
    """The first and last date of each precision that ``pattern`` binds to ``?d``; None when one is not canonical."""
    rows = graph.store.select(
        f"SELECT ?type (MIN(STR(?d)) AS ?first) (MAX(STR(?d)) AS ?last) "
        f"WHERE {{ {pattern} BIND(DATATYPE(?d) AS ?type) }} GROUP BY ?type"
    )
    found: list[Literal] = []
    for row in rows:
        datatype = row["type"].value if "type" in row else ""
        if datatype not in DATATYPE_PRECISION:
            continue  # not a date, or no datatype (IRIs): never read as one
        for name in ("first", "last"):
            text = row[name].value if name in row else ""
            if not _CANONICAL.fullmatch(text):
                return None
            try:
                PartialDate.from_literal(text, datatype)
            except ValueError:
                return None
            found.append(Literal(text, datatype))
    return found


def _all_of_events(graph: Graph, dates: list[Literal]) -> bool:
    """Whether every one of these dates is the date of some event."""
    if not dates:
        return True
    listed = " ".join(date.n3() for date in sorted(set(dates)))
    rows = graph.store.select(f"SELECT DISTINCT ?d WHERE {{ VALUES ?d {{ {listed} }} {_EVENT_DATES} }}")
    return {row["d"] for row in rows} >= set(dates)


def _date_range_read(graph: Graph) -> tuple[PartialDate | None, PartialDate | None]:
    """The earliest and latest date of any event, from every date read and parsed."""
    parsed = []
    for row in graph.store.select(f"SELECT ?d WHERE {{ {_EVENT_DATES} }}"):
        value = row["d"]
        if isinstance(value, Literal):
            try:
                parsed.append(PartialDate.from_literal(value.value, value.datatype))
            except ValueError:
                continue
    parsed.sort(key=PartialDate.sort_key)
    return (parsed[0], parsed[-1]) if parsed else (None, None)
