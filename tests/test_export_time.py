"""Exports tell the truth about time: real starts only, dates at their own precision, attestations apart."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
import rdflib
from typer.testing import CliRunner

from sco_graph.cli import app

from .conftest import Invoke
from .test_export import source_graph

E = "https://w3id.org/sco-graph/id/"
SCO = rdflib.Namespace("https://w3id.org/sco-graph/def#")
README = Path(__file__).resolve().parents[1] / "README.md"
SCHEMA = Path(__file__).resolve().parents[2] / "shared" / "gexf-1.3" / "gexf.xsd"
ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
Edges = list[dict[str, Any]]


def _export(folder: Path, name: str) -> Path:
    path = folder / name
    result = CliRunner().invoke(app, ["export", "--output", str(path)])
    assert result.exit_code == 0, result.output
    return path


def _edges(network: nx.MultiDiGraph[str]) -> Edges:
    """Edges as dicts, their ends under ``from`` and ``to`` (as a CSV row's ``source`` and ``target``)."""
    return [{**data, "from": a, "to": b} for a, b, data in network.edges(data=True)]


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("exports")
    return {fmt: _export(folder, f"graph.{fmt}") for fmt in ("graphml", "gexf", "csv")}


@pytest.fixture(scope="module")
def exported(files: dict[str, Path]) -> dict[str, Edges]:
    """Each format's edges as its usual reader sees them."""
    with files["csv"].open(encoding="utf-8") as stream:
        rows = list(csv.DictReader(stream))
    return {
        "graphml": _edges(nx.read_graphml(files["graphml"])),
        "gexf": _edges(nx.read_gexf(files["gexf"])),
        "csv": [{**row, "from": row["source"], "to": row["target"]} for row in rows],
    }


def find(edges: Edges, source: str, target: str, relation: str, node: str = "") -> dict[str, Any]:
    found = [
        edge
        for edge in edges
        if (edge["from"], edge["to"], edge["relation"]) == (E + source, E + target, relation)
        and edge["node"].endswith(node)
    ]
    assert found, f"no {source} {relation} {target}"
    return found[0]


# ------------------------------------------------------------------ GraphML and CSV: EDTF at its own precision
@pytest.mark.parametrize("fmt", ["graphml", "csv"])
def test_an_attestation_day_is_never_a_start(exported: dict[str, Edges], fmt: str) -> None:
    observer = find(exported[fmt], "afghanistan", "sco", "observer of")
    assert (observer["start"], observer["end"], observer["date"]) == ("", "", "")
    assert json.loads(observer["attested"]) == ["2023-05-30"]


@pytest.mark.parametrize("fmt", ["graphml", "csv"])
@pytest.mark.parametrize(
    ("party", "start", "attested"), [("csto", "2007-10", "2018-06-09"), ("cis", "2005-04", "2018-06-08 2018-06-09")]
)
def test_a_month_start_is_not_padded_to_a_day(
    exported: dict[str, Edges], fmt: str, party: str, start: str, attested: str
) -> None:
    partnership = find(exported[fmt], party, "sco", "partner organisation of")
    assert (partnership["start"], partnership["end"]) == (start, "")
    assert partnership["date"] == f"{start}/.."
    assert json.loads(partnership["attested"]) == attested.split()


@pytest.mark.parametrize("fmt", ["graphml", "csv", "gexf"])
def test_a_multi_day_event_exports_its_span(exported: dict[str, Edges], fmt: str) -> None:
    summit = find(exported[fmt], "sco", "qingdao", "held a summit in")
    assert summit["date"] == "2018-06-09/2018-06-10"
    assert (summit["start"], summit["end"]) == ("2018-06-09", "2018-06-10")


@pytest.mark.parametrize("fmt", ["graphml", "csv"])
def test_an_undated_event_exports_only_its_latest_bound(exported: dict[str, Edges], fmt: str) -> None:
    interview = find(exported[fmt], "sergei-lebedev", "xinhua", "gave an interview to")
    assert interview["date"] == "../2018-06-08"
    assert (interview["start"], interview["end"], interview["attested"]) == ("", "", "[]")


def test_every_fact_exports_exactly_what_its_source_states(exported: dict[str, Edges]) -> None:
    """Checked against an independent reading (rdflib) of the bundled data, for every fact edge."""
    source = source_graph()
    facts = {
        str(node)
        for kind in (SCO.Membership, SCO.Partnership, SCO.Position)
        for node in source.subjects(rdflib.RDF.type, kind)
    }
    rows = [row for row in exported["csv"] if row["node"] in facts]
    assert len(rows) > 20
    for row in rows:
        node = rdflib.URIRef(row["node"])
        start = source.value(node, SCO.start)
        end = source.value(node, SCO.end)
        days = sorted(str(day) for day in source.objects(node, SCO.attested))
        assert row["start"] == (str(start) if start is not None else ""), row
        assert row["end"] == (str(end) if end is not None else ""), row
        assert json.loads(row["attested"]) == days, row
        if start is None and end is None:
            assert row["date"] == "", row


# ------------------------------------------------------------------ GEXF: Gephi's timeline
def test_gexf_drives_the_timeline_only_from_real_dates(exported: dict[str, Edges]) -> None:
    edges = exported["gexf"]
    observer = find(edges, "afghanistan", "sco", "observer of")
    assert "start" not in observer and "end" not in observer
    assert json.loads(observer["attested"]) == ["2023-05-30"]
    csto = find(edges, "csto", "sco", "partner organisation of")
    assert (csto["start"], csto["date"]) == ("2007-10-01", "2007-10/..")
    assert "end" not in csto
    interview = find(edges, "sergei-lebedev", "xinhua", "gave an interview to")
    assert "start" not in interview
    assert (interview["end"], interview["date"]) == ("2018-06-08", "../2018-06-08")


def test_gexf_time_bounds_are_full_iso_days_and_attestations_never_bound_time(exported: dict[str, Edges]) -> None:
    edges = exported["gexf"]
    for edge in edges:
        for side in ("start", "end"):
            assert side not in edge or ISO_DAY.fullmatch(edge[side]), edge
        if not edge["date"]:
            assert "start" not in edge and "end" not in edge, edge
    assert sum("start" in edge for edge in edges) > 50


def test_gexf_is_dynamic_with_dates(files: dict[str, Path]) -> None:
    text = files["gexf"].read_text(encoding="utf-8")
    assert '<gexf xmlns="http://gexf.net/1.3"' in text
    assert re.search(r'<graph [^>]*mode="dynamic"[^>]*timeformat="date"', text)


def test_gexf_is_valid_against_the_gexf_1_3_schema(files: dict[str, Path]) -> None:
    from lxml import etree

    if not SCHEMA.is_file():
        pytest.skip("../shared/gexf-1.3 is not present")
    schema = etree.XMLSchema(etree.parse(str(SCHEMA)))
    assert schema.validate(etree.parse(str(files["gexf"]))), schema.error_log


FACTS = """@prefix sco: <https://w3id.org/sco-graph/def#> .
@prefix e: <https://w3id.org/sco-graph/id/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
<notes.html> a sco:Article ; <https://schema.org/headline> "My notes" .
<#spell> a sco:Membership ; sco:member e:afghanistan ; sco:organisation e:cis ; sco:status sco:observer ;
    sco:start "2010-03"^^xsd:gYearMonth ; sco:end "2015"^^xsd:gYear ; sco:attested "2012-05-06"^^xsd:date ;
    sco:evidence [ sco:source <notes.html> ; sco:quote "an observer from March 2010 until 2015" ] .
<#ended> a sco:Membership ; sco:member e:afghanistan ; sco:organisation e:csto ; sco:status sco:observer ;
    sco:end "2016-02"^^xsd:gYearMonth ;
    sco:evidence [ sco:source <notes.html> ; sco:quote "an observer until February 2016" ] .
"""


def test_a_fact_with_a_stated_end_exports_it_and_spans_whole_periods_in_gexf(cli: Invoke, tmp_path: Path) -> None:
    data = tmp_path / "facts.ttl"
    data.write_text(FACTS, encoding="utf-8")
    for fmt in ("graphml", "gexf"):
        result = cli("--data", str(data), "export", "--output", str(tmp_path / f"out.{fmt}"))
        assert result.exit_code == 0, result.output
    graphml = _edges(nx.read_graphml(tmp_path / "out.graphml"))
    gexf = _edges(nx.read_gexf(tmp_path / "out.gexf"))
    spell = find(graphml, "afghanistan", "cis", "observer of", "#spell")
    assert (spell["start"], spell["end"], spell["date"], spell["attested"]) == (
        "2010-03",
        "2015",
        "2010-03/2015",
        '["2012-05-06"]',
    )
    assert find(graphml, "afghanistan", "csto", "observer of", "#ended")["date"] == "../2016-02"
    spell = find(gexf, "afghanistan", "cis", "observer of", "#spell")
    assert (spell["start"], spell["end"]) == ("2010-03-01", "2015-12-31")
    ended = find(gexf, "afghanistan", "csto", "observer of", "#ended")
    assert "start" not in ended
    assert ended["end"] == "2016-02-29"


# ------------------------------------------------------------------ CSV and DOT
def test_csv_columns_are_the_documented_ones(files: dict[str, Path]) -> None:
    header = files["csv"].read_text(encoding="utf-8").splitlines()[0].split(",")
    exports = README.read_text(encoding="utf-8").split("### Exports", 1)[1].split("\n### ", 1)[0]
    documented = next(line for line in exports.splitlines() if line.startswith("CSV edge columns"))
    assert re.findall(r"`([a-z_]+)`", documented) == header
    assert header.index("attested") == header.index("end") + 1


def test_dot_labels_carry_edtf_dates_and_never_an_attestation_as_a_start(cli: Invoke) -> None:
    text = cli("export", "--format", "dot").stdout
    observer = next(line for line in text.splitlines() if f'"{E}afghanistan" -> "{E}sco"' in line)
    assert 'attested="[\\"2023-05-30\\"]"' in observer
    assert "start=" not in observer
    csto = next(line for line in text.splitlines() if f'"{E}csto" -> "{E}sco"' in line and "partner" in line)
    assert 'label="partner organisation of 2007-10/.."' in csto
    assert 'start="2007-10"' in csto
