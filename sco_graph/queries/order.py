"""How the questions date and order what they find.

The last day an ``--as-of`` date covers, and the order events and relations are
listed in: by date, then by label or relation, so that every answer is stable.
"""

from __future__ import annotations

import datetime as dt

from sco_graph.dates import PartialDate
from sco_graph.results import Edge, EventRow


def as_of_day(as_of: PartialDate | None) -> dt.date | None:
    """The last day a partial date covers: "as of 2018-05" means by the end of May 2018."""
    return as_of.latest() if as_of else None


def event_order(event: EventRow) -> tuple[tuple[dt.date, int], str, str]:
    """Events by date, then label, then IRI."""
    return (event.when.sort_key(), event.label, event.iri)


def edge_order(edge: Edge) -> tuple[int, tuple[dt.date, int], str, str]:
    """Dated relations first (by date), then those with a period, then the rest; ties by relation and node."""
    kind = 0 if edge.when is not None else 1 if edge.period is not None else 2
    when = edge.when.sort_key() if edge.when is not None else (dt.date.min, 0)
    return (kind, when, edge.relation, edge.node or "")
