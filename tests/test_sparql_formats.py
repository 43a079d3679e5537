"""`sparql` writes what other tools read: the W3C results formats for SELECT and ASK, RDF for CONSTRUCT and DESCRIBE.

Every document is read back with pyoxigraph's own parsers and compared with
what pyoxigraph answers over the same data.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest

from sco_graph.errors import ExitCode
from sco_graph.results import SparqlResult
from sco_graph.sparql_output import write_sparql
from sco_graph.terms import IRI, BlankNode, Literal

from .conftest import Invoke

EX = "http://example.org/"
HOSTILE = 'tab\there\nnew "q" back\\slash \x1b[2J \u2028 \u202eright\x9b cr\r end'
DATA = f"""@prefix ex: <{EX}> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
ex:a ex:says "tab\\there\\nnew \\"q\\" back\\\\slash \\u001B[2J \\u2028 \\u202Eright\\u009B cr\\r end"@en ;
    ex:count "42"^^xsd:integer ; ex:name "Plain, with comma" ; ex:link ex:b ; ex:node [ ex:name "inner" ] .
ex:b ex:name "B" .
"""
SELECT = f"SELECT ?s ?p ?o ?missing WHERE {{ ?s ?p ?o FILTER(STRSTARTS(STR(?s), '{EX}')) }}"
CONSTRUCT = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ ?s ?p ?o FILTER(STRSTARTS(STR(?s), '{EX}') && !ISBLANK(?o)) }}"
RAW_CONTROLS = ("\x1b", "\x07", "\x9b", "\u202e", "\u2028", "\x00")


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("formats") / "data.ttl"
    path.write_text(DATA, encoding="utf-8")
    return path


def reference(query: str) -> Any:
    """What pyoxigraph itself answers over :data:`DATA` alone."""
    store = ox.Store()
    store.load(DATA.encode("utf-8"), ox.RdfFormat.TURTLE)
    return store.query(query)


def plain(term: Any) -> Any:
    """A term to compare: blank nodes are all alike (their labels are the engine's own)."""
    return "bnode" if isinstance(term, ox.BlankNode) else term


def solutions(answer: Any) -> list[tuple[Any, ...]]:
    names = [variable.value for variable in answer.variables]
    return sorted((tuple(plain(row[name]) for name in names) for row in answer), key=repr)


def triples(answer: Any) -> list[Any]:
    """The triples of a CONSTRUCT answer or of parsed RDF (which pyoxigraph reads as quads), sorted."""
    return sorted((getattr(item, "triple", item) for item in answer), key=repr)


# ------------------------------------------------------------------ SELECT and ASK: the W3C results formats
@pytest.mark.parametrize("fmt", ["json", "tsv", "xml"])
def test_select_results_read_back_as_pyoxigraph_answers(cli: Invoke, data: Path, fmt: str) -> None:
    result = cli("--data", str(data), "sparql", SELECT, "--format", fmt)
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    parsed = ox.parse_query_results(result.stdout.encode("utf-8"), format=getattr(ox.QueryResultsFormat, fmt.upper()))
    assert [variable.value for variable in parsed.variables] == ["s", "p", "o", "missing"]
    got, expected = solutions(parsed), solutions(reference(SELECT))
    assert len(got) == 6
    if fmt == "xml":  # XML cannot hold an ESC at all: it is shown as the text \x1b, everything else kept
        shown = ox.Literal(HOSTILE.replace("\x1b", "\\x1b"), language="en")
        expected = sorted(
            (tuple(shown if term == ox.Literal(HOSTILE, language="en") else term for term in row) for row in expected),
            key=repr,
        )
    assert got == expected
    assert not any(char in result.stdout for char in RAW_CONTROLS)


@pytest.mark.parametrize("fmt", ["json", "tsv", "xml"])
@pytest.mark.parametrize("answer", [True, False])
def test_ask_reads_back_as_a_boolean(cli: Invoke, fmt: str, answer: bool) -> None:
    query = "ASK { e:zhang-ming a sco:Person }" if answer else "ASK { e:zhang-ming a sco:Country }"
    result = cli("sparql", query, "--format", fmt)
    assert result.exit_code == 0, result.output
    parsed = ox.parse_query_results(result.stdout.encode("utf-8"), format=getattr(ox.QueryResultsFormat, fmt.upper()))
    assert isinstance(parsed, ox.QueryBoolean)
    assert bool(parsed) is answer


def test_json_is_exactly_the_w3c_document_and_the_cut_is_a_warning_on_stderr(cli: Invoke) -> None:
    result = cli("sparql", "SELECT ?s WHERE { ?s a sco:Person }", "--limit", "3", "--format", "json")
    assert result.exit_code == ExitCode.OK
    assert set(json.loads(result.stdout)) == {"head", "results"}
    parsed = ox.parse_query_results(result.stdout.encode("utf-8"), format=ox.QueryResultsFormat.JSON)
    assert len(list(parsed)) == 3
    assert result.stderr == "sco-graph: warning: results cut at 3 rows; raise --limit to see more\n"


def test_a_tab_or_line_break_in_a_literal_cannot_forge_a_tsv_row_or_column(cli: Invoke, data: Path) -> None:
    result = cli("--data", str(data), "sparql", SELECT, "--format", "tsv")
    lines = result.stdout.split("\n")
    assert lines[0] == "?s\t?p\t?o\t?missing"
    assert lines[-1] == ""
    assert len(lines) == 8
    assert all(line.count("\t") == 3 for line in lines[:-1])
    assert (
        '"tab\\there\\nnew \\"q\\" back\\\\slash \\u001B[2J \\u2028 \\u202Eright\\u009B cr\\r end"@en' in result.stdout
    )


def test_csv_keeps_the_blank_node_prefix(cli: Invoke, data: Path) -> None:
    query = f"SELECT ?o WHERE {{ <{EX}a> <{EX}node> ?o }}"
    result = cli("--data", str(data), "sparql", query, "--format", "csv")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "o"
    assert len(lines) == 2
    assert lines[1].startswith("_:")
    assert len(lines[1]) > 2


def test_jsonl_gives_one_object_a_row(cli: Invoke, data: Path) -> None:
    result = cli("--data", str(data), "sparql", SELECT, "--format", "jsonl")
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(rows) == 6
    assert {"type": "literal", "value": HOSTILE, "xml:lang": "en"} in [row["o"] for row in rows]
    assert all("missing" not in row for row in rows)
    assert json.loads(cli("sparql", "ASK {}", "--format", "jsonl").stdout) == {"boolean": True}


# ------------------------------------------------------------------ CONSTRUCT and DESCRIBE: RDF
@pytest.mark.parametrize(
    ("fmt", "rdf"),
    [("turtle", ox.RdfFormat.TURTLE), ("ntriples", ox.RdfFormat.N_TRIPLES), ("jsonld", ox.RdfFormat.JSON_LD)],
)
def test_construct_writes_rdf_that_reads_back_to_the_same_triples(
    cli: Invoke, data: Path, fmt: str, rdf: ox.RdfFormat
) -> None:
    result = cli("--data", str(data), "sparql", CONSTRUCT, "--format", fmt)
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    got = triples(ox.parse(result.stdout.encode("utf-8"), rdf))
    assert got == triples(reference(CONSTRUCT))
    assert ox.Triple(ox.NamedNode(EX + "a"), ox.NamedNode(EX + "says"), ox.Literal(HOSTILE, language="en")) in got
    assert not any(char in result.stdout for char in RAW_CONTROLS)


def test_turtle_is_the_default_for_construct_and_uses_the_project_prefixes(cli: Invoke) -> None:
    result = cli("sparql", "DESCRIBE e:zhang-ming")
    assert result.exit_code == 0, result.output
    assert "@prefix e: <https://w3id.org/sco-graph/id/> ." in result.stdout
    parsed = triples(ox.parse(result.stdout.encode("utf-8"), ox.RdfFormat.TURTLE))
    label = ox.Literal("Zhang Ming")
    zhang = ox.NamedNode("https://w3id.org/sco-graph/id/zhang-ming")
    assert ox.Triple(zhang, ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label"), label) in parsed


def test_blank_nodes_stay_one_node_across_triples(cli: Invoke, data: Path) -> None:
    query = f"CONSTRUCT {{ ?s ?p ?o . ?o ?q ?v }} WHERE {{ <{EX}a> <{EX}node> ?o . ?s ?p ?o . ?o ?q ?v }}"
    result = cli("--data", str(data), "sparql", query, "--format", "ntriples")
    parsed = triples(ox.parse(result.stdout.encode("utf-8"), ox.RdfFormat.N_TRIPLES))
    assert len(parsed) == 2
    assert parsed[0].object == parsed[1].subject or parsed[1].object == parsed[0].subject


def test_construct_output_redirected_to_a_file_is_turtle(data: Path, tmp_path: Path) -> None:
    target = tmp_path / "sub.ttl"
    with target.open("wb") as handle:
        process = subprocess.run(
            [sys.executable, "-m", "sco_graph", "--data", str(data), "sparql", CONSTRUCT, "--limit", "2"],
            stdout=handle, stderr=subprocess.PIPE, check=False, timeout=120,
        )  # fmt: skip
    assert process.returncode == ExitCode.OK
    assert process.stderr == b"sco-graph: warning: results cut at 2 triples; raise --limit to see more\n"
    assert len(list(ox.parse(path=str(target), format=ox.RdfFormat.TURTLE))) == 2


def test_construct_can_still_be_shown_as_rows(cli: Invoke) -> None:
    result = cli("sparql", "CONSTRUCT { ?s a sco:Person } WHERE { ?s a sco:Person }", "--format", "jsonl")
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(rows) == 10
    assert set(rows[0]) == {"subject", "predicate", "object"}


# ------------------------------------------------------------------ formats that do not fit
@pytest.mark.parametrize(
    ("query", "fmt", "says"),
    [
        ("SELECT * WHERE { ?s ?p ?o }", "turtle", "--format turtle writes RDF"),
        ("ASK { ?s ?p ?o }", "jsonld", "--format jsonld writes RDF"),
        ("CONSTRUCT WHERE { ?s ?p ?o }", "json", "--format json is for SELECT and ASK results"),
        ("DESCRIBE e:zhang-ming", "xml", "--format xml is for SELECT and ASK results"),
        ("SELECT * WHERE { ?s ?p ?o }", "yaml", "--format must be one of"),
        ("INSERT DATA { <urn:a> <urn:b> <urn:c> }", "yaml", "--format must be one of"),  # refused before the query
    ],
)
def test_a_format_that_does_not_fit_is_a_usage_error(cli: Invoke, query: str, fmt: str, says: str) -> None:
    result = cli("sparql", query, "--format", fmt)
    assert result.exit_code == ExitCode.USAGE
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"sco-graph: error: {says}")


def test_format_names_are_case_insensitive(cli: Invoke) -> None:
    result = cli("sparql", "ASK {}", "--format", "TSV")
    assert (result.exit_code, result.stdout) == (0, "true\n")


# ------------------------------------------------------------------ streaming
def failing_after(rows: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    yield from rows
    raise RuntimeError("the query stopped")


@pytest.mark.parametrize("fmt", ["tsv", "xml", "jsonl", "csv"])
def test_rows_are_written_as_they_arrive(fmt: str) -> None:
    rows = [
        {"x": IRI(EX + "first")},
        {"x": BlankNode("b1")},
        {"x": Literal("3", "http://www.w3.org/2001/XMLSchema#int")},
    ]
    out = io.StringIO()
    with pytest.raises(RuntimeError):
        write_sparql(SparqlResult("select", ("x",), failing_after(rows)), fmt, out)
    assert EX + "first" in out.getvalue()
    assert "b1" in out.getvalue()
