"""``members``: who belonged to organisations, with which status, and how certain that is on a day."""

from __future__ import annotations

from collections.abc import Iterable

from sco_graph.dates import PartialDate
from sco_graph.errors import UsageError
from sco_graph.graph import Graph
from sco_graph.model import STATUSES
from sco_graph.queries.order import as_of_day
from sco_graph.relations import edges_from
from sco_graph.results import MemberRow, Members
from sco_graph.tenure import tenures
from sco_graph.terms import IRI

STATUS_NAMES = tuple(STATUSES.values())
MEMBERSHIPS_QUERY = "SELECT DISTINCT ?fact WHERE { ?fact a sco:Membership ; sco:organisation ?organisation }"
_STATUS_ORDER = {name: index for index, name in enumerate(STATUS_NAMES)}


def members(graph: Graph, names: Iterable[str], as_of: PartialDate | None = None, status: str | None = None) -> Members:
    """Who belonged to the organisations, with which status; on a day with ``as_of``.

    On a day, a status counts as "stated" when its period covers the day,
    "possible" when the day falls within the precision of a start or end date.
    Statuses first attested only after the day are listed apart as not known.
    A later member, observer or partner status bounds an earlier one (``period.ended_by``).
    """
    if status is not None and status not in STATUS_NAMES:
        raise UsageError(f"--status must be one of {', '.join(STATUS_NAMES)} ({status!r} given)")
    organisations = tuple(graph.resolve(name) for name in names)
    facts: set[str] = set()
    for organisation in organisations:
        rows = graph.store.select(MEMBERSHIPS_QUERY, {"organisation": IRI(organisation.iri)})
        facts.update(row["fact"].value for row in rows)
    edges = [edge for edge in edges_from(graph, graph.describe(facts)) if edge.period is not None]
    known = tenures(graph, edges)  # a later member, observer or partner status bounds an earlier one
    day = as_of_day(as_of)
    rows_found: list[MemberRow] = []
    not_known: list[MemberRow] = []
    for edge in edges:
        relation_status = edge.relation.split(" ")[0]
        if status and relation_status != status:
            continue
        assert edge.period is not None and edge.node is not None
        certainty = known.certainty(edge, day) if day else ""
        if certainty is None:
            continue
        period = known.bounded(edge).period
        assert period is not None
        row = MemberRow(edge.source, edge.target, relation_status, period, certainty, edge.node, edge.citations)
        (not_known if certainty == "unknown" else rows_found).append(row)

    def order(row: MemberRow) -> tuple[str, int, str]:
        return (row.organisation.name, _STATUS_ORDER.get(row.status, 99), row.member.name)

    return Members(
        organisations, as_of, status, tuple(sorted(rows_found, key=order)), tuple(sorted(not_known, key=order))
    )
