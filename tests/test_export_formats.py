"""Exports other tools read as they expect: compacted JSON-LD, GEXF 1.3, tidy CSV, Cypher and neo4j-admin files."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from typing import Any

import networkx as nx
import pyoxigraph as ox
import pytest
import rdflib
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree
from rdflib.compare import isomorphic

from sco_graph.colours import rgb
from sco_graph.export import rdf_bytes
from sco_graph.export_neo4j import cypher_name, cypher_string, relationship_type, type_label
from sco_graph.model import PREFIXES

from .conftest import Invoke
from .test_export_stream import LISTS, in_memory

E = "https://w3id.org/sco-graph/id/"
GEXF = "{http://gexf.net/1.3}"
HOSTILE = "Robert\\' }) MATCH (n) DETACH DELETE n //\n`x`"
# A person with a label made to break out of a Cypher string, observing the SCO on a source whose
# publisher and seed file hold commas and semicolons.
DATA = """@prefix sco: <https://w3id.org/sco-graph/def#> .
@prefix e: <https://w3id.org/sco-graph/id/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix schema: <https://schema.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
<https://example.org/notes> a sco:Article ; schema:headline "Notes" ; schema:publisher "Smith, Jones; and Co" ;
    schema:datePublished "2024-01-02"^^xsd:date ; sco:seedFile "notes, 2024.txt" .
e:mallory a sco:Person ; rdfs:label "Robert\\\\' }) MATCH (n) DETACH DELETE n //\\n`x`" ;
    sco:evidence [ sco:source <https://example.org/notes> ; sco:quote "Robert" ] .
<https://example.org/fact> a sco:Membership ; sco:member e:mallory ; sco:organisation e:sco ;
    sco:status sco:observer ; sco:attested "2024-01-02"^^xsd:date ;
    sco:evidence [ sco:source <https://example.org/notes> ; sco:quote "an observer" ] ,
        [ sco:source <https://w3id.org/sco-graph/source/000> ; sco:quote "an observer" ] .
"""


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("data") / "hostile.ttl"
    path.write_text(DATA, encoding="utf-8")
    return path


def run(cli: Invoke, *args: str) -> Any:
    result = cli(*args)
    assert result.exit_code == 0, result.output
    return result


# ------------------------------------------------------------------ JSON-LD
def test_jsonld_is_compacted_with_the_project_prefixes(cli: Invoke) -> None:
    document = json.loads(run(cli, "export", "--format", "jsonld").stdout)
    assert document["@context"] == PREFIXES
    nodes = {node["@id"]: node for node in document["@graph"]}
    zhang = nodes["e:zhang-ming"]
    assert zhang["@type"] == "sco:Person"
    assert zhang["rdfs:label"] == "Zhang Ming"
    assert all(not key.startswith("http") for node in nodes.values() for key in node)


@pytest.mark.parametrize("data", ["bundled", "lists"])
def test_jsonld_reads_back_to_the_same_triples_in_pyoxigraph_and_rdflib(cli: Invoke, data: str) -> None:
    if data == "bundled":
        jsonld, ntriples = (run(cli, "export", "--format", fmt).stdout_bytes for fmt in ("jsonld", "ntriples"))
    else:
        jsonld, ntriples = (rdf_bytes(in_memory(LISTS), fmt) for fmt in ("jsonld", "ntriples"))
    expected = set(ox.parse(ntriples, format=ox.RdfFormat.N_TRIPLES))
    assert set(ox.parse(jsonld, format=ox.RdfFormat.JSON_LD)) == expected
    by_rdflib = rdflib.Graph().parse(data=jsonld, format="json-ld")
    assert len(by_rdflib) == len(expected)
    assert isomorphic(by_rdflib, rdflib.Graph().parse(data=ntriples, format="nt"))


def test_jsonld_keeps_literals_exact_and_escapes_controls() -> None:
    jsonld = rdf_bytes(in_memory(LISTS), "jsonld")
    assert b"\\u2028" in jsonld and b"\\u0007" in jsonld
    assert not re.search(rb"[\x00-\x1f\x7f]|\xe2\x80\xa8", jsonld.replace(b"\n", b""))
    typed = in_memory(
        '<https://example.org/a> <https://example.org/n> "true"^^<http://www.w3.org/2001/XMLSchema#boolean> .'
    )
    node = json.loads(rdf_bytes(typed, "jsonld"))["@graph"][0]
    assert node["https://example.org/n"] == {"@value": "true", "@type": "xsd:boolean"}


def test_an_iri_whose_scheme_is_a_prefix_name_is_never_taken_for_a_compact_iri() -> None:
    text = "<e:mallory> <https://w3id.org/sco-graph/def#knows> <https://w3id.org/sco-graph/id/zhang-ming> ."
    jsonld = rdf_bytes(in_memory(text), "jsonld")
    document = json.loads(jsonld)
    assert "e" not in document["@context"] and "sco" in document["@context"]
    assert set(ox.parse(jsonld, format=ox.RdfFormat.JSON_LD)) == set(ox.parse(text, format=ox.RdfFormat.N_TRIPLES))


NAMESPACES = [*PREFIXES.values(), "e:", "sco:", "https://example.org/"]


def is_iri(text: str) -> bool:
    try:
        ox.NamedNode(text)
    except ValueError:
        return False
    return True


iris = st.builds(lambda namespace, rest: namespace + rest, st.sampled_from(NAMESPACES), st.text("ab:/?", max_size=4))
iris = iris.filter(is_iri)
literals = st.one_of(
    st.builds(ox.Literal, st.text(max_size=8)),
    st.builds(lambda text, tag: ox.Literal(text, language=tag), st.text(max_size=8), st.sampled_from(["en", "ru"])),
    st.builds(lambda text, kind: ox.Literal(text, datatype=ox.NamedNode(kind)), st.text(max_size=8), iris),
)
triples = st.lists(
    st.builds(
        ox.Triple,
        iris.map(ox.NamedNode),
        st.one_of(iris, st.just("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")).map(ox.NamedNode),
        st.one_of(iris.map(ox.NamedNode), literals),
    ),
    max_size=8,
)


@settings(max_examples=60, deadline=None)
@given(triples)
def test_any_graph_reads_back_from_jsonld_unchanged(graph: list[ox.Triple]) -> None:
    text = ox.serialize(graph, format=ox.RdfFormat.N_TRIPLES).decode("utf-8")
    jsonld = rdf_bytes(in_memory(text), "jsonld")
    back = {
        ox.Triple(quad.subject, quad.predicate, quad.object) for quad in ox.parse(jsonld, format=ox.RdfFormat.JSON_LD)
    }
    assert back == set(graph)


# ------------------------------------------------------------------ GEXF 1.3
@pytest.fixture(scope="module")
def gexf(tmp_path_factory: pytest.TempPathFactory) -> Any:
    from typer.testing import CliRunner

    from sco_graph.cli import app

    path = tmp_path_factory.mktemp("gexf") / "graph.gexf"
    result = CliRunner().invoke(app, ["export", "--output", str(path)])
    assert result.exit_code == 0, result.output
    return etree.parse(str(path))


def test_gexf_has_no_networkx_leftovers_and_an_unnamed_graph(gexf: Any) -> None:
    assert gexf.getroot().get("version") == "1.3"
    graph = gexf.getroot().find(f"{GEXF}graph")
    assert graph.get("name") is None
    titles = [attribute.get("title") for attribute in gexf.iter(f"{GEXF}attribute")]
    assert "networkx_key" not in titles
    assert {"relation", "date", "sources", "seed_files", "type", "iri"} <= set(titles)


def test_gexf_nodes_are_coloured_by_type(gexf: Any) -> None:
    colours: dict[str, set[tuple[int, ...]]] = {}
    nodes = list(gexf.iter(f"{GEXF}node"))
    for node in nodes:
        kind = next(value.get("value") for value in node.iter(f"{GEXF}attvalue") if value.get("for") == "0")
        (colour,) = node.findall(f"{GEXF}color")
        colours.setdefault(kind, set()).add(tuple(int(colour.get(channel)) for channel in "rgb"))
    assert len(nodes) > 50
    assert colours["person"] == {rgb("person")} == {(0x1F, 0x77, 0xB4)}
    assert colours["country"] == {rgb("country")}
    assert all(len(found) == 1 for found in colours.values())
    assert len({next(iter(found)) for found in colours.values()}) == len(colours)


def test_gexf_colours_are_written_as_viz_color() -> None:
    from sco_graph.export_network import GEXF_START

    assert 'xmlns:viz="http://gexf.net/1.3"' in GEXF_START  # where the 1.3 schema puts the viz elements


# ------------------------------------------------------------------ tidy CSV
EDTF_DAY = r"[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?"
EDTF = re.compile(rf"({EDTF_DAY}|\.\.)(/({EDTF_DAY}|\.\.))?")


def csv_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as stream:
        return list(csv.DictReader(stream))


@pytest.fixture(scope="module")
def tidy(tmp_path_factory: pytest.TempPathFactory, hostile: Path) -> dict[str, Path]:
    from typer.testing import CliRunner

    from sco_graph.cli import app

    folder = tmp_path_factory.mktemp("tidy")
    for name in ("graph.csv", "graph.graphml", "graph.cypher"):
        result = CliRunner().invoke(app, ["--data", str(hostile), "export", "--output", str(folder / name)])
        assert result.exit_code == 0, result.output
    result = CliRunner().invoke(app, ["--data", str(hostile), "export", "-f", "neo4j", "-o", str(folder / "neo.csv")])
    assert result.exit_code == 0, result.output
    return {path.name: path for path in folder.iterdir()}


def test_csv_lists_are_json_arrays_and_dates_are_edtf(tidy: dict[str, Path]) -> None:
    rows = csv_rows(tidy["graph.csv"])
    assert len(rows) > 100
    for row in rows:
        for column in ("attested", "sources", "seed_files"):
            assert isinstance(json.loads(row[column]), list), row
        assert all(re.fullmatch(EDTF_DAY, day) for day in json.loads(row["attested"])), row
        assert row["date"] == "" or EDTF.fullmatch(row["date"]), row
        assert all(row[side] == "" or re.fullmatch(EDTF_DAY, row[side]) for side in ("start", "end")), row
    mallory = next(row for row in rows if row["source"] == E + "mallory")
    assert sorted(json.loads(mallory["sources"])) == ["Smith, Jones; and Co, 2024-01-02", "Xinhua, 2023-05-13"]
    assert json.loads(mallory["seed_files"]) == ["000_0d8e3764f262debe.txt", "notes, 2024.txt"]
    assert json.loads(mallory["attested"]) == ["2024-01-02"]


def test_source_means_the_first_end_in_csv_and_graphml(tidy: dict[str, Path]) -> None:
    rows = csv_rows(tidy["graph.csv"])
    graphml = nx.read_graphml(tidy["graph.graphml"])
    in_graphml = sorted(
        (a, b, data["relation"], data["node"], data["sources"]) for a, b, data in graphml.edges(data=True)
    )
    in_csv = sorted((row["source"], row["target"], row["relation"], row["node"], row["sources"]) for row in rows)
    assert in_csv == in_graphml
    assert all("source" not in data for _, _, data in graphml.edges(data=True))


# ------------------------------------------------------------------ Neo4j
def read_cypher(statement: str) -> tuple[str, list[str]]:
    """The statement with each string literal replaced by ``?``, and the literals as Cypher reads them."""
    escapes = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "'": "'", '"': '"', "\\": "\\"}
    skeleton, values, place = [], [], 0
    while place < len(statement):
        char = statement[place]
        if char == "`":  # a name in backquotes, where `` is one backquote
            end = place + 1
            while not (statement[end] == "`" and statement[end + 1 : end + 2] != "`"):
                end += 2 if statement[end] == "`" else 1
            skeleton.append(statement[place : end + 1])
            place = end + 1
        elif char == "'":
            value, place = [], place + 1
            while statement[place] != "'":
                if statement[place] == "\\":
                    code = statement[place + 1]
                    if code == "u":
                        value.append(chr(int(statement[place + 2 : place + 6], 16)))
                        place += 6
                    else:
                        value.append(escapes[code])
                        place += 2
                else:
                    value.append(statement[place])
                    place += 1
            values.append("".join(value))
            skeleton.append("?")
            place += 1
        else:
            skeleton.append(char)
            place += 1
    return "".join(skeleton), values


NODE_STATEMENT = re.compile(r"MERGE \(n:`Entity` \{iri: \?\}\) SET n(:`\w+`)?, n\.label = \?, n\.type = \?;")
PROPERTY = r"`\w+`: (\?|\[\?(, \?)*\]|true|false)"
EDGE_STATEMENT = re.compile(
    rf"MATCH \(a:`Entity` \{{iri: \?\}}\), \(b:`Entity` \{{iri: \?\}}\) "
    rf"CREATE \(a\)-\[:`[A-Z0-9_]+` \{{{PROPERTY}(, {PROPERTY})*\}}\]->\(b\);"
)


def test_the_cypher_script_keeps_every_value_inside_its_literal(tidy: dict[str, Path]) -> None:
    lines = tidy["graph.cypher"].read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("//")
    assert lines[1].startswith("CREATE CONSTRAINT")
    statements = [read_cypher(line) for line in lines[2:]]
    nodes = [values for skeleton, values in statements if NODE_STATEMENT.fullmatch(skeleton)]
    edges = [values for skeleton, values in statements if EDGE_STATEMENT.fullmatch(skeleton)]
    assert len(nodes) + len(edges) == len(statements)
    graphml = nx.read_graphml(tidy["graph.graphml"])
    assert (len(nodes), len(edges)) == (graphml.number_of_nodes(), graphml.number_of_edges())
    assert [E + "mallory", HOSTILE, "person"] in nodes
    mallory = next(line for line in lines if line.startswith(f"MERGE (n:`Entity` {{iri: '{E}mallory'}})"))
    assert ":`Person`" in mallory
    observer = next(values for values in edges if values[0] == E + "mallory")
    assert "Smith, Jones; and Co, 2024-01-02" in observer


def test_cypher_names_and_strings_cannot_be_escaped_from() -> None:
    assert cypher_name("a`b") == "`a``b`"
    assert cypher_string("it's \\' \u2028\x1b") == "'it\\'s \\\\\\' \\u2028\\u001b'"
    for text in ["'", "\\", "\\'", "a'b\\", "\n`}) //", "\ud800"]:
        skeleton, values = read_cypher(f"RETURN {cypher_string(text)};")
        assert (skeleton, values) == ("RETURN ?;", [text])
    assert type_label("unnamed office holder") == "UnnamedOfficeHolder"
    assert relationship_type("partner organisation of") == "PARTNER_ORGANISATION_OF"
    assert relationship_type("`}]->(x) //") == "X"


def test_neo4j_admin_files_have_the_import_headers(tidy: dict[str, Path]) -> None:
    relationships, nodes = csv_rows(tidy["neo.csv"]), csv_rows(tidy["neo.nodes.csv"])
    with tidy["neo.csv"].open(encoding="utf-8") as stream:
        header = next(csv.reader(stream))
    assert header[:3] == [":START_ID", ":END_ID", ":TYPE"]
    assert {"symmetric:boolean", "headline_only:boolean", "sources", "date"} <= set(header)
    assert list(nodes[0]) == ["iri:ID", "label", "type", ":LABEL"]
    ids = {node["iri:ID"] for node in nodes}
    assert len(ids) == len(nodes)
    assert all(row[":START_ID"] in ids and row[":END_ID"] in ids for row in relationships)
    assert all(re.fullmatch(r"[A-Z0-9_]+", row[":TYPE"]) for row in relationships)
    mallory = next(node for node in nodes if node["iri:ID"] == E + "mallory")
    assert mallory[":LABEL"] == "Entity;Person"
    assert mallory["label"] == HOSTILE.replace("\n", "\\n")  # shown escaped, as in every CSV export
    observer = next(row for row in relationships if row[":START_ID"] == E + "mallory")
    assert (observer[":TYPE"], observer["relation"]) == ("OBSERVER_OF", "observer of")
    assert sorted(json.loads(observer["sources"])) == ["Smith, Jones; and Co, 2024-01-02", "Xinhua, 2023-05-13"]


def test_neo4j_files_are_never_written_over_without_force(cli: Invoke, tmp_path: Path) -> None:
    nodes = tmp_path / "graph.nodes.csv"
    nodes.write_text("precious", encoding="utf-8")
    result = cli("export", "--format", "neo4j", "--output", str(tmp_path / "graph.csv"))
    assert result.exit_code != 0 and "--force" in result.stderr
    assert nodes.read_text(encoding="utf-8") == "precious"
    assert sorted(path.name for path in tmp_path.iterdir()) == ["graph.nodes.csv"]
    run(cli, "export", "--format", "neo4j", "--output", str(tmp_path / "graph.csv"), "--force")
    assert nodes.read_text(encoding="utf-8").startswith("iri:ID,")


def test_a_cypher_file_name_chooses_the_format(cli: Invoke, tmp_path: Path) -> None:
    run(cli, "export", "--output", str(tmp_path / "graph.cypher"))
    assert (tmp_path / "graph.cypher").read_text(encoding="utf-8").startswith("// The sco-graph entity graph")
    assert io.StringIO(run(cli, "export", "-f", "cypher").stdout).readline().startswith("//")
