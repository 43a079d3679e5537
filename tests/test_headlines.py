"""Facts known only from headlines listed beside an article: cited as those headlines, marked everywhere."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pytest

from sco_graph import queries
from sco_graph.graph import Graph
from sco_graph.model import TURTLE_PREFIXES
from sco_graph.validate import validate

from .conftest import Invoke

SRC = "https://w3id.org/sco-graph/source/"
IMRAN_KHAN = "https://w3id.org/sco-graph/id/imran-khan"
PAKISTAN = "https://w3id.org/sco-graph/id/pakistan"
MARK = "(headline only)"
HEADLINE_OF_2020_01_22 = "headline of 2020-01-22 on the page of Infoshos, 2019-07-12"
# The headlines the page of article 003 lists that the data records facts from, with the date the page gives each.
LISTED = {
    "2019-10-28": "Chinese premier to visit Uzbekistan, Thailand",
    "2019-11-26": "Iran Eyes Closer Scientific Interaction with SCO",
    "2019-12-09": "Uzbekistan plans to chair SCO in 2022",
    "2019-12-17": "Russia, India Start Practical Part of Indra-2019 Joint Exercise - Russian Pacific Fleet",
    "2020-01-13": "SCO Secretary-General meets with Turkmenistan’s Ambassador to China",
    "2020-01-22": "India Will Invite Pakistani Prime Minister Imran Khan for SCO Summit in New Delhi",
    "2020-01-24": "China-Russia ties to deepen despite US wedge",
}


# ------------------------------------------------------------------ citations
def test_each_listed_headline_is_a_source_with_its_own_date_on_the_page_of_article_003(graph: Graph) -> None:
    sources = graph.sources_of({f"{SRC}003-headline-{day}" for day in LISTED})
    assert {source.published: source.title for source in sources.values()} == LISTED
    for source in sources.values():
        assert source.kind == "headline"
        assert source.listed_on is not None
        assert (source.listed_on.iri, source.listed_on.published) == (SRC + "003", "2019-07-12")
        assert source.short == f"headline of {source.published} on the page of Infoshos, 2019-07-12"


def test_the_page_gives_each_headline_the_date_the_data_records(seeds: Path) -> None:
    page = (seeds / "003_dd9a839f15a99f2a.txt").read_text(encoding="utf-8").splitlines()
    for day, title in LISTED.items():
        year, month, date = day.split("-")
        line = page.index(title)
        assert page[line + 1].startswith(f"{date}.{month}.{year} "), title


def test_headline_only_facts_cite_their_headline_never_the_article(graph: Graph) -> None:
    events = queries.timeline(graph).events
    marked = [event for event in events if event.headline_only]
    assert len(marked) == 7
    for event in marked:
        assert event.citations
        for citation in event.citations:
            assert citation.source.kind == "headline", event.label
            assert citation.source.published == str(event.when.not_after), event.label
    cited = {c.source.iri for citations in graph.citations().values() for c in citations}
    assert {f"{SRC}003-headline-{day}" for day in LISTED} <= cited


def test_no_fact_is_cited_to_a_source_published_before_it(graph: Graph) -> None:
    for event in queries.timeline(graph).events:
        published = [c.source.published for c in event.citations]
        first = event.when.date or event.when.not_after
        if first is None or not published or None in published:
            continue
        assert str(first.earliest()) <= max(p for p in published if p is not None), event.label


# ------------------------------------------------------------------ core API
def test_show_marks_a_position_known_only_from_a_headline(graph: Graph) -> None:
    card = queries.show(graph, "Imran Khan")
    [position] = card.positions
    assert (position.target.iri, position.headline_only) == (PAKISTAN, True)
    assert MARK in position.statement()
    assert HEADLINE_OF_2020_01_22 in position.statement()
    assert all(event.headline_only for event in card.events)


def test_a_reported_fact_carries_no_mark(graph: Graph) -> None:
    card = queries.show(graph, "Vladimir Norov")
    assert card.positions
    assert not any(edge.headline_only for edge in card.positions)
    assert all(MARK not in edge.statement() for edge in card.positions)


def test_neighbours_and_path_hops_keep_the_mark(graph: Graph) -> None:
    rows = queries.neighbours(graph, "Imran Khan").neighbours
    assert rows
    assert all(row.edge.headline_only for row in rows)
    hops = queries.path(graph, "Imran Khan", "Pakistan").paths[0]
    assert [hop.edge.headline_only for hop in hops] == [True]
    assert MARK in hops[0].edge.statement()


# ------------------------------------------------------------------ CLI: text, JSON, CSV
def test_show_text_and_json_mark_imran_khans_office(cli: Invoke) -> None:
    text = cli("show", "Imran Khan").stdout
    line = next(line for line in text.splitlines() if "holds a position in Pakistan" in line)
    assert MARK in line
    assert HEADLINE_OF_2020_01_22 in line
    data = cli.json("show", "Imran Khan")
    [position] = data["positions"]
    assert position["headline_only"] is True
    [source] = {s["iri"]: s for s in position["sources"]}.values()
    assert source["kind"] == "headline"
    assert source["published"] == "2020-01-22"
    assert source["listed_on"]["iri"] == SRC + "003"
    assert source["listed_on"]["published"] == "2019-07-12"


def test_neighbours_text_json_and_csv_mark_headline_facts(cli: Invoke) -> None:
    text = cli("neighbours", "Imran Khan").stdout
    assert "Pakistan" in text
    assert all(MARK in line for line in text.splitlines() if "Pakistan" in line or "India" in line)
    data = cli.json("neighbours", "Imran Khan")
    assert {row["entity"]["iri"]: row["headline_only"] for row in data["neighbours"]}[PAKISTAN] is True
    rows = list(csv.DictReader(io.StringIO(cli("neighbours", "Imran Khan", "--format", "csv").stdout)))
    assert rows
    assert {row["headline_only"] for row in rows} == {"true"}
    burian = cli.json("neighbours", "Peter Burian")["neighbours"]
    assert burian
    assert not any(row["headline_only"] for row in burian)


def test_path_steps_are_marked_in_text_and_json(cli: Invoke) -> None:
    text = cli("path", "Imran Khan", "Pakistan").stdout
    assert "holds a position in Pakistan" in text
    assert MARK in text
    [step] = cli.json("path", "Imran Khan", "Pakistan")["paths"][0]["steps"]
    assert step["headline_only"] is True
    assert MARK in step["statement"]
    [row] = csv.DictReader(io.StringIO(cli("path", "Imran Khan", "Pakistan", "--format", "csv").stdout))
    assert row["headline_only"] == "true"


def test_timeline_marks_headline_rows_and_only_those(cli: Invoke) -> None:
    result = cli("timeline", "Iran")
    line = next(line for line in result.stdout.splitlines() if "scientific interaction" in line)
    assert MARK in line
    assert "headline of 2019-11-26 on the page of Infoshos, 2019-07-12" in line
    events = cli.json("timeline", "SCO")["events"]
    marked = {event["event"].rsplit("/", 1)[1] for event in events if event["headline_only"]}
    assert "headline-2019-12-09-uzbekistan-plans-to-chair-sco" in marked
    assert not any(event["headline_only"] for event in events if event["event"].rsplit("/", 1)[1][:4] == "2019")
    rows = list(csv.DictReader(io.StringIO(cli("timeline", "Iran", "--format", "csv").stdout)))
    assert {row["headline_only"] for row in rows if "scientific" in row["event"]} == {"true"}


def test_who_met_marks_a_meeting_known_from_a_headline(cli: Invoke) -> None:
    name = "Turkmenistan's Ambassador to China (unnamed, headline of 2020-01-13)"
    [meeting] = cli.json("who-met", name)["meetings"]
    assert meeting["headline_only"] is True
    assert meeting["sources"][0]["kind"] == "headline"
    assert MARK in cli("who-met", name).stdout


# ------------------------------------------------------------------ exports
@pytest.fixture(scope="module")
def exports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    from typer.testing import CliRunner

    from sco_graph.cli import app

    folder = tmp_path_factory.mktemp("headline-exports")
    paths = {fmt: folder / f"graph.{fmt}" for fmt in ("graphml", "gexf", "csv", "dot")}
    for path in paths.values():
        result = CliRunner().invoke(app, ["export", "--output", str(path)])
        assert result.exit_code == 0, result.output
    return paths


def _marks(network: nx.MultiDiGraph[str]) -> dict[tuple[str, str, str], object]:
    return {(a, b, str(data["relation"])): data["headline_only"] for a, b, data in network.edges(data=True)}


def test_graphml_and_gexf_carry_a_headline_only_attribute(exports: dict[str, Path]) -> None:
    norov = ("https://w3id.org/sco-graph/id/vladimir-norov", "https://w3id.org/sco-graph/id/sco")
    for network in (nx.read_graphml(exports["graphml"]), nx.read_gexf(exports["gexf"])):
        marks = _marks(network)
        assert marks[IMRAN_KHAN, PAKISTAN, "holds a position in"] is True
        assert marks[*norov, "holds a position in"] is False


def test_csv_and_dot_carry_the_mark(exports: dict[str, Path]) -> None:
    rows = list(csv.DictReader(exports["csv"].open(encoding="utf-8")))
    by_edge = {(row["source"], row["target"], row["relation"]): row["headline_only"] for row in rows}
    assert by_edge[IMRAN_KHAN, PAKISTAN, "holds a position in"] == "true"
    assert sum(mark == "true" for mark in by_edge.values()) < len(by_edge) / 5
    dot = exports["dot"].read_text(encoding="utf-8")
    line = next(line for line in dot.splitlines() if f'"{IMRAN_KHAN}" -> "{PAKISTAN}"' in line)
    assert 'label="holds a position in (headline only)"' in line
    assert 'headline_only="true"' in line


# ------------------------------------------------------------------ validation: no source reports the future
SOURCES = (
    'src:early a sco:Article ; schema:headline "Early" ; schema:datePublished "2020-03-01"^^xsd:date .\n'
    'src:late a sco:Article ; schema:headline "Late" ; schema:datePublished "2020-06-01"^^xsd:date .\n'
    'src:undated a sco:Article ; schema:headline "Undated" .\n'
)


def _write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "mine.ttl"
    path.write_text(TURTLE_PREFIXES + SOURCES + body, encoding="utf-8")
    return path


def _meeting(date: str, *sources: str, predicate: str = "sco:date") -> str:
    evidence = " , ".join(f'[ sco:source src:{source} ; sco:quote "they met" ]' for source in sources)
    return f'ev:m a sco:Meeting ; rdfs:label "M" ; {predicate} {date} ; sco:evidence {evidence} .\n'


@pytest.mark.parametrize(
    "body",
    [
        _meeting('"2020-04-02"^^xsd:date', "early"),
        _meeting('"2020-04"^^xsd:gYearMonth', "early"),
        _meeting('"2020-04-02"^^xsd:date', "early", predicate="sco:notAfter"),
        'f:p a sco:Position ; sco:holder e:x ; sco:organisation e:y ; sco:attested "2020-04-02"^^xsd:date ;'
        ' sco:evidence [ sco:source src:early ; sco:quote "x of y" ] .\n',
    ],
    ids=["day", "month", "not-after", "attested"],
)
def test_a_date_after_every_source_was_published_is_an_error(tmp_path: Path, body: str) -> None:
    problems = [problem for problem in validate([_write(tmp_path, body)]).problems if "published by" in str(problem)]
    [problem] = problems
    assert problem.location in ("ev:m", "f:p")
    assert "2020-04" in problem.message
    assert "2020-03-01" in problem.message


@pytest.mark.parametrize(
    "body",
    [
        _meeting('"2020-03-01"^^xsd:date', "early"),  # reported the day it happened
        _meeting('"2020-03"^^xsd:gYearMonth', "early"),  # the month may have ended by then
        _meeting('"2020-04-02"^^xsd:date', "early", "late"),  # a later source reports it
        _meeting('"2020-04-02"^^xsd:date', "early", "undated"),  # an undated source is not judged
    ],
    ids=["same-day", "same-month", "later-source", "undated-source"],
)
def test_a_date_some_source_could_report_is_accepted(tmp_path: Path, body: str) -> None:
    report = validate([_write(tmp_path, body)])
    assert report.conforms, report.problems


def test_validate_exits_5_on_an_event_reported_before_it_happened(tmp_path: Path) -> None:
    path = _write(tmp_path, _meeting('"2021-01-01"^^xsd:date', "early"))
    result = subprocess.run(
        [sys.executable, "-m", "sco_graph", "validate", str(path)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 5
    assert "ev:m: dated 2021-01-01, but every source cited for it was published by 2020-03-01" in result.stdout
    assert "Traceback" not in result.stderr


def test_citing_the_listed_headlines_to_the_article_itself_is_rejected(tmp_path: Path) -> None:
    from sco_graph.load import bundled_data_dir

    data = bundled_data_dir()
    old = tmp_path / "003.ttl"
    text = (data / "articles" / "003.ttl").read_text(encoding="utf-8")
    old.write_text(text.replace("src:003-headline-2020-01-22 ;", "src:003 ;"), encoding="utf-8")
    files = [data / "sources.ttl", data / "entities.ttl", old]
    located = {problem.location for problem in validate(files).problems if "published by 2019-07-12" in str(problem)}
    assert located == {
        "ev:headline-2020-01-22-india-to-invite-imran-khan",
        "f:position-imran-khan-pakistan-prime-minister",
    }


def test_a_listed_headline_must_name_the_page_that_lists_it(tmp_path: Path) -> None:
    body = 'src:h a sco:ListedHeadline ; schema:headline "H" ; schema:datePublished "2020-03-01"^^xsd:date .\n'
    assert any(
        "src:h" in text and "sco:listedOn" in text for text in map(str, validate([_write(tmp_path, body)]).problems)
    )
    listed = body.replace(" .\n", " ; sco:listedOn src:early .\n")
    assert validate([_write(tmp_path, listed + _meeting('"2020-03-01"^^xsd:date', "h"))]).conforms
