"""Offices and statuses over time: one holder of a single-holder office at a time, tenures bounded, never ended."""

from __future__ import annotations

from pathlib import Path

from sco_graph import queries
from sco_graph.dates import PartialDate
from sco_graph.errors import ExitCode
from sco_graph.graph import Graph
from sco_graph.results import Edge
from sco_graph.tenure import office_holdings

from .conftest import Invoke

NOROV_TENURE = "attested 2019-07-10; ended by 2023-05-11 at the latest"


def _holders(edges: tuple[Edge, ...], role: str = "Secretary-General") -> list[str]:
    return sorted(edge.source.name for edge in edges if edge.detail == role)


# ------------------------------------------------------------ the ontology marks the offices
def test_the_ontology_marks_the_three_single_holder_offices(graph: Graph) -> None:
    offices = {holding.seat.rsplit("/", 1)[-1] for holding in office_holdings(graph)}
    assert offices == {"sco-secretary-general", "sco-rats-director", "eu-special-representative-central-asia"}


def test_other_offices_are_not_single_holder(graph: Graph) -> None:
    facts = {holding.fact.rsplit("/", 1)[-1] for holding in office_holdings(graph)}
    assert "position-yury-khachaturov-csto-secretary-general" not in facts
    assert "position-sadyr-japarov-president-kyrgyzstan" not in facts


# ------------------------------------------------------------ core API on the bundled data
def test_sco_has_one_secretary_general_on_2023_05_30(graph: Graph) -> None:
    card = queries.show(graph, "SCO", as_of=PartialDate.parse("2023-05-30"))
    assert _holders(card.positions) == ["Zhang Ming"]


def test_sco_lists_every_attested_secretary_general_without_a_date(graph: Graph) -> None:
    card = queries.show(graph, "SCO")
    assert len(_holders(card.positions)) == 4


def test_norov_is_no_longer_secretary_general_on_2023_05_30(graph: Graph) -> None:
    assert queries.show(graph, "Norov", as_of=PartialDate.parse("2023-05-30")).positions == ()


def test_norov_is_secretary_general_before_zhang_ming_is_attested(graph: Graph) -> None:
    card = queries.show(graph, "Norov", as_of=PartialDate.parse("2023-05-10"))
    assert [str(edge.period) for edge in card.positions] == [NOROV_TENURE]


def test_norov_tenure_is_bounded_never_ended(graph: Graph) -> None:
    (edge,) = queries.show(graph, "Norov").positions
    assert edge.period is not None
    assert edge.period.end is None  # no invented end date
    assert str(edge.period.ended_by) == "2023-05-11"
    assert str(edge.period) == NOROV_TENURE


def test_burian_tenure_is_bounded_by_hakala(graph: Graph) -> None:
    (edge,) = queries.show(graph, "Burian").positions
    assert str(edge.period) == "attested 2019-07-10; ended by 2023-05-29 at the latest"
    assert _holders(queries.show(graph, "EU", as_of=PartialDate.parse("2023-05-30")).positions,
                    "Special Representative for Central Asia") == ["Terhi Hakala"]  # fmt: skip


def test_the_latest_holder_has_no_bound(graph: Graph) -> None:
    (edge,) = queries.show(graph, "Zhang Ming").positions
    assert edge.period is not None and edge.period.ended_by is None


def test_an_unnamed_holder_never_bounds_a_named_one(graph: Graph) -> None:
    # The SCO Secretary-General of the 2020-01-13 headline may be Norov: the articles do not say.
    card = queries.show(graph, "SCO", as_of=PartialDate.parse("2020-02-01"))
    assert _holders(card.positions) == ["Vladimir Norov"]
    (norov,) = queries.show(graph, "Norov", as_of=PartialDate.parse("2020-02-01")).positions
    assert norov.period is not None and str(norov.period.ended_by) == "2023-05-11"


def test_an_unnamed_holder_is_shown_alone_on_its_day_and_not_after_a_later_holder(graph: Graph) -> None:
    on_the_day = queries.show(graph, "SCO", as_of=PartialDate.parse("2018-06-09"))
    assert _holders(on_the_day.positions) == ["SCO Secretary-General (unnamed, 2018-06-09)"]
    later = queries.show(graph, "SCO", as_of=PartialDate.parse("2019-07-10"))
    assert _holders(later.positions) == ["Vladimir Norov"]


def test_unnamed_holders_carry_no_bound(graph: Graph) -> None:
    for edge in queries.show(graph, "SCO").positions:
        assert edge.period is not None
        if edge.source.type == "unnamed office holder":
            assert edge.period.ended_by is None


def test_positions_in_other_offices_are_unchanged(graph: Graph) -> None:
    (edge,) = queries.show(graph, "Khachaturov", as_of=PartialDate.parse("2023-05-30")).positions
    assert edge.period is not None and edge.period.ended_by is None


# ------------------------------------------------------------ statuses
ROTATING = """\
@prefix sco: <https://w3id.org/sco-graph/def#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix e: <https://w3id.org/sco-graph/id/> .
<notes.html> a sco:Article ; rdfs:label "Analyst's notes" .
<#ruritania> a sco:Country ; rdfs:label "Ruritania" ;
    sco:evidence [ sco:source <notes.html> ; sco:quote "Ruritania" ] .
<#observer> a sco:Membership ; sco:member <#ruritania> ; sco:organisation e:sco ; sco:status sco:observer ;
    sco:attested "2010-06-01"^^xsd:date ;
    sco:evidence [ sco:source <notes.html> ; sco:quote "Ruritania, an observer" ] .
<#applicant> a sco:Membership ; sco:member <#ruritania> ; sco:organisation e:sco ; sco:status sco:applicant ;
    sco:start "2012"^^xsd:gYear ;
    sco:evidence [ sco:source <notes.html> ; sco:quote "Ruritania applied" ] .
<#member> a sco:Membership ; sco:member <#ruritania> ; sco:organisation e:sco ; sco:status sco:member ;
    sco:start "2015-07"^^xsd:gYearMonth ;
    sco:evidence [ sco:source <notes.html> ; sco:quote "Ruritania joined in July 2015" ] .
"""


def _ruritania(cli: Invoke, tmp_path: Path, *args: str) -> dict[str, dict[str, object]]:
    path = tmp_path / "ruritania.ttl"
    path.write_text(ROTATING, encoding="utf-8")
    data = cli.json("--data", str(path), "members", "SCO", *args)
    return {row["status"]: row for row in data["members"] if row["member"]["name"] == "Ruritania"}


def test_a_later_status_bounds_an_earlier_one(cli: Invoke, tmp_path: Path) -> None:
    rows = _ruritania(cli, tmp_path)
    assert rows["observer"]["period"] == {"start": None, "end": None, "attested": ["2010-06-01"], "ended_by": "2015-07"}
    assert rows["member"]["period"]["ended_by"] is None
    assert rows["applicant"]["period"]["ended_by"] is None  # applying to join does not end being an observer


def test_one_exclusive_status_per_member_on_a_day(cli: Invoke, tmp_path: Path) -> None:
    assert set(_ruritania(cli, tmp_path, "--as-of", "2014-01-01")) == {"observer", "applicant"}
    during = _ruritania(cli, tmp_path, "--as-of", "2015-07-15")
    assert (during["observer"]["certainty"], during["member"]["certainty"]) == ("possible", "possible")
    assert "observer" not in _ruritania(cli, tmp_path, "--as-of", "2016-01-01")


# ------------------------------------------------------------ the CLI, in text and JSON
def test_show_norov_text_gives_the_bound(cli: Invoke) -> None:
    result = cli("show", "Norov", "--format", "table")
    assert result.exit_code == 0, result.output
    assert NOROV_TENURE in " ".join(result.stdout.split())


def test_show_sco_json_on_2023_05_30_has_one_secretary_general(cli: Invoke) -> None:
    data = cli.json("show", "SCO", "--as-of", "2023-05-30")
    holders = [edge["from"]["name"] for edge in data["positions"] if edge["detail"] == "Secretary-General"]
    assert holders == ["Zhang Ming"]


def test_show_norov_json_carries_ended_by(cli: Invoke) -> None:
    (position,) = cli.json("show", "Norov")["positions"]
    assert position["period"] == {"start": None, "end": None, "attested": ["2019-07-10"], "ended_by": "2023-05-11"}
    assert cli.json("show", "Norov", "--as-of", "2023-05-30")["positions"] == []


def test_members_csv_has_an_ended_by_column(cli: Invoke, tmp_path: Path) -> None:
    path = tmp_path / "ruritania.ttl"
    path.write_text(ROTATING, encoding="utf-8")
    result = cli("--data", str(path), "members", "SCO", "--format", "csv")
    assert result.exit_code == 0, result.output
    header, *rows = result.stdout.splitlines()
    assert header.split(",")[6:8] == ["attested", "ended_by"]
    (observer,) = [row for row in rows if ",Ruritania," in row and ",observer," in row]
    assert observer.split(",")[6:8] == ["2010-06-01", "2015-07"]


# ------------------------------------------------------------ an unnamed holder on a named holder's day
SAME_DAY = """\
@prefix sco: <https://w3id.org/sco-graph/def#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix e: <https://w3id.org/sco-graph/id/> .
<notes.html> a sco:Article ; rdfs:label "Analyst's notes" .
<#sg> a sco:UnnamedOfficeHolder ; rdfs:label "SCO Secretary-General (unnamed, notes of 2023-05-11)" ;
    sco:evidence [ sco:source <notes.html> ; sco:quote "the SCO Secretary-General" ] .
<#position> a sco:Position ; sco:holder <#sg> ; sco:organisation e:sco ; sco:role "Secretary-General" ;
    sco:attested "2023-05-11"^^xsd:date ;
    sco:evidence [ sco:source <notes.html> ; sco:quote "the SCO Secretary-General" ] .
"""


def test_an_unnamed_holder_on_a_named_holders_day_is_not_a_second_holder(cli: Invoke, tmp_path: Path) -> None:
    path = tmp_path / "same-day.ttl"
    path.write_text(SAME_DAY, encoding="utf-8")
    on_the_day = cli.json("--data", str(path), "show", "SCO", "--as-of", "2023-05-11")
    holders = [edge["from"]["name"] for edge in on_the_day["positions"] if edge["detail"] == "Secretary-General"]
    assert holders == ["Zhang Ming"]
    everything = cli.json("--data", str(path), "show", "SCO")["positions"]
    bounds = {edge["from"]["name"]: edge["period"]["ended_by"] for edge in everything}
    assert bounds["SCO Secretary-General (unnamed, notes of 2023-05-11)"] is None  # it may be Zhang Ming
    assert bounds["Vladimir Norov"] == "2023-05-11"
    assert bounds["Zhang Ming"] is None


def test_an_office_without_organisation_or_role_fails_validation(cli: Invoke, tmp_path: Path) -> None:
    path = tmp_path / "office.ttl"
    path.write_text(
        "@prefix sco: <https://w3id.org/sco-graph/def#> .\n"
        '<https://w3id.org/sco-graph/id/office/x> a sco:Office ; sco:singleHolder "yes" .\n',
        encoding="utf-8",
    )
    result = cli("validate", str(path))
    assert result.exit_code == ExitCode.INVALID_DATA
    for property_name in ("sco:officeOf", "sco:role", "sco:singleHolder"):
        assert f"({property_name})" in result.stdout


def test_neighbours_apply_the_same_tenure_reasoning(graph: Graph) -> None:
    def positions(as_of: PartialDate | None) -> list[Edge]:
        result = queries.neighbours(graph, "Norov", as_of=as_of)
        return [row.edge for row in result.neighbours if row.relation == "holds a position in"]

    assert positions(PartialDate.parse("2023-05-30")) == []
    [bounded] = positions(None)
    assert bounded.period is not None and str(bounded.period.ended_by) == "2023-05-11"
    assert positions(PartialDate.parse("2020-02-01"))
