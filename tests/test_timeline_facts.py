"""Timelines carry dated facts: the stated start or end of a status, partnership or position, at its precision."""

from __future__ import annotations

import pytest

from sco_graph import queries
from sco_graph.dates import PartialDate
from sco_graph.errors import ExitCode
from sco_graph.graph import Graph
from sco_graph.results import EventRow
from tests.conftest import Invoke


def _facts(rows: tuple[EventRow, ...]) -> list[tuple[str, str, str | None, str]]:
    return [(str(row.when), row.type_text, row.status, row.label) for row in rows if row.kind == "fact"]


def _partnership(with_: str) -> tuple[str, str, None, str]:
    return {
        "CSTO": ("2007-10", "partnership start", None,
                 "Collective Security Treaty Organisation and Shanghai Cooperation Organisation partner organisations"),
        "CIS": ("2005-04", "partnership start", None,
                "Commonwealth of Independent States and Shanghai Cooperation Organisation partner organisations"),
    }[with_]  # fmt: skip


def test_csto_timeline_shows_the_partnership_with_the_sco_from_october_2007(graph: Graph) -> None:
    assert _facts(queries.timeline(graph, ["CSTO"]).events) == [_partnership("CSTO")]


def test_cis_timeline_shows_the_partnership_from_april_2005_at_month_precision(graph: Graph) -> None:
    rows = [row for row in queries.timeline(graph, ["CIS"]).events if row.kind == "fact"]
    assert _facts(tuple(rows)) == [_partnership("CIS")]
    assert rows[0].when.date == PartialDate(2005, 4)
    assert rows[0].when.date.precision == "month"
    assert {entity.name for entity in rows[0].participants} == {
        "Commonwealth of Independent States",
        "Shanghai Cooperation Organisation",
    }
    assert rows[0].citations


def test_sco_timeline_shows_both_partnerships_and_the_stated_starts_of_statuses(graph: Graph) -> None:
    facts = _facts(queries.timeline(graph, ["SCO"]).events)
    assert _partnership("CIS") in facts
    assert _partnership("CSTO") in facts
    assert ("2017", "membership start", "member", "India member of Shanghai Cooperation Organisation") in facts
    assert (
        "2022-07",
        "membership start",
        "applicant",
        "Belarus applicant to Shanghai Cooperation Organisation",
    ) in facts


def test_attestation_days_are_not_starts(graph: Graph) -> None:
    """Afghanistan's observer status is only attested on 2023-05-30: no start row, and no row on that day."""
    facts = _facts(queries.timeline(graph, ["Afghanistan"]).events)
    assert facts == []
    every = queries.timeline(graph, [], types=["fact"]).events
    assert every
    assert all(row.when.date is not None and str(row.when.date) != "2023-05-30" for row in every)


def test_facts_respect_the_date_range(graph: Graph) -> None:
    rows = queries.timeline(graph, ["SCO"], start=PartialDate(2005), stop=PartialDate(2007, 12), types=["fact"]).events
    assert _facts(rows) == [_partnership("CIS"), _partnership("CSTO")]
    before = queries.timeline(graph, ["CSTO"], as_of=PartialDate(2007, 9)).events
    assert _facts(before) == []


def test_type_selects_and_excludes_fact_rows(graph: Graph) -> None:
    only = queries.timeline(graph, ["SCO"], types=["fact"]).events
    assert only
    assert {row.kind for row in only} == {"fact"}
    partnerships = queries.timeline(graph, ["SCO"], types=["partnership"]).events
    assert {row.type for row in partnerships} == {"partnership"}
    assert len(partnerships) == 2
    without = queries.timeline(graph, ["SCO"], types=["-fact"]).events
    assert without
    assert {row.kind for row in without} == {"event"}
    meetings_only = queries.timeline(graph, ["CSTO"], types=["meeting", "-fact"]).events
    assert {row.type for row in meetings_only} == {"meeting"}
    no_meetings = queries.timeline(graph, ["CSTO"], types=["-meeting"]).events
    assert "meeting" not in {row.type for row in no_meetings}
    assert "partnership" in {row.type for row in no_meetings}


def test_cli_shows_fact_rows_in_the_table_and_json(cli: Invoke) -> None:
    table = cli("timeline", "CSTO").stdout
    assert "2007-10" in table
    assert "partnership start" in table
    assert "2007-10-01" not in table
    data = cli.json("timeline", "CIS", "--type", "fact")
    [row] = data["events"]
    assert row["kind"] == "fact"
    assert row["type"] == "partnership"
    assert row["change"] == "start"
    assert row["when"] == {"date": "2005-04", "end": None, "not_after": None, "precision": "month"}
    assert {role["role"] for role in row["roles"]} == {"party"}
    assert row["sources"]
    excluded = cli.json("timeline", "CIS", "--type", "-fact")
    assert excluded["events"]
    assert all(event["kind"] == "event" for event in excluded["events"])


@pytest.mark.parametrize("kind", ["facts", "-", "--fact", "-partys", "fact\x1b[31m"])
def test_unknown_type_is_a_usage_error(cli: Invoke, kind: str) -> None:
    result = cli("timeline", "CIS", f"--type={kind}")
    assert result.exit_code == ExitCode.USAGE
    assert "Traceback" not in result.stderr
    assert "--type must be one of" in result.stderr
    assert "\x1b" not in result.stderr
