"""``common``: what two entities share, with dates and sources, on the bundled data."""

from __future__ import annotations

import csv
import io

import pytest

from sco_graph import queries
from sco_graph.dates import parse_user_date
from sco_graph.errors import ExitCode
from sco_graph.graph import Graph

from .conftest import Invoke


def test_two_secretaries_general_share_the_office(graph: Graph) -> None:
    result = queries.common(graph, "Zhang Ming", "Norov")
    [office] = result.offices
    assert (office.role, office.organisation.name) == ("Secretary-General", "Shanghai Cooperation Organisation")
    assert [str(edge.period) for edge in office.first] == ["attested 2023-05-11"]
    # the later holder bounds the earlier tenure, as show and members present it
    assert [str(edge.period) for edge in office.second] == ["attested 2019-07-10; ended by 2023-05-11 at the latest"]
    assert office.first[0].citations and office.second[0].citations


def test_two_eu_special_representatives_share_the_office_and_the_eu(graph: Graph) -> None:
    result = queries.common(graph, "Peter Burian", "Terhi Hakala")
    assert [(o.role, o.organisation.name) for o in result.offices] == [
        ("Special Representative for Central Asia", "European Union")
    ]
    [eu] = result.shared
    assert (eu.entity.name, eu.strength) == ("European Union", "statement")  # both also spoke about it


def test_a_meeting_is_shared_with_its_date_and_source(graph: Graph) -> None:
    result = queries.common(graph, "Mirzaev", "Terebov")
    assert [edge.relation for edge in result.direct] == ["met"]
    meetings = [event for event in result.events if event.type == "meeting"]
    assert [str(event.when) for event in meetings] == ["2023-05-29"]
    assert meetings[0].citations[0].source.publisher == "UrduPoint News / Sputnik"


def test_as_of_leaves_out_what_came_later(graph: Graph) -> None:
    before = queries.common(graph, "Mirzaev", "Terebov", parse_user_date("2023-05-28", "--as-of"))
    assert not before.events
    assert not before.direct


def test_common_json_contract(cli: Invoke) -> None:
    data = cli.json("common", "Zhang Ming", "Norov")
    assert set(data) == {"query", "first", "second", "as_of", "direct", "events", "offices", "shared"}
    assert data["query"] == "common"
    [office] = data["offices"]
    assert set(office) == {"role", "organisation", "first", "second"}
    assert office["first"][0]["period"]["attested"] == ["2023-05-11"]
    assert office["first"][0]["sources"]
    for row in cli.json("common", "Burian", "Hakala")["shared"]:
        assert set(row) == {"kind", "entity", "strength", "first", "second"}


def test_common_table_and_csv(cli: Invoke) -> None:
    table = cli("common", "Zhang Ming", "Norov").stdout
    assert "Offices both held" in table and "Secretary-General" in table and "Xinhua, 2023-05-13" in table
    rows = list(csv.DictReader(io.StringIO(cli("common", "Mirzaev", "Terebov", "--format", "csv").stdout)))
    assert {row["section"] for row in rows} >= {"between", "event"}
    assert all(row["sources"] for row in rows)


@pytest.mark.parametrize(
    ("args", "code"),
    [(["Zhang Ming", "Zhang"], ExitCode.USAGE), (["Zhang Ming", "Nobody Atall"], ExitCode.UNKNOWN_NAME),
     (["Zhang Ming"], ExitCode.USAGE), (["Zhang Ming", "Norov", "--as-of", "soon"], ExitCode.USAGE)],
)  # fmt: skip
def test_bad_common_input_gets_one_line(cli: Invoke, args: list[str], code: int) -> None:
    result = cli("common", *args)
    assert result.exit_code == code, result.output
    assert result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1
    assert result.stderr.startswith("sco-graph: error: ")


def test_an_office_a_later_holder_took_is_not_shared_after_it_ended(graph: Graph) -> None:
    from sco_graph.dates import PartialDate

    assert queries.common(graph, "Zhang Ming", "Norov", PartialDate.parse("2023-05-30")).offices == ()
