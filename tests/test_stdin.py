"""Standard input as data and as a query: ``--data -``, ``validate -``, ``sparql -`` and ``sparql --file -``."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sco_graph import api, queries
from sco_graph.cli import app
from sco_graph.errors import ExitCode

PERSON = """@prefix sco: <https://w3id.org/sco-graph/def#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<https://w3id.org/sco-graph/id/piped-person> a sco:Person ; rdfs:label "{label}" .
"""
NTRIPLES = (
    "<https://w3id.org/sco-graph/id/piped-person> <http://www.w3.org/2000/01/rdf-schema#label> "
    '"Quillon Piped" .\n'
    "<https://w3id.org/sco-graph/id/piped-person> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> "
    "<https://w3id.org/sco-graph/def#Person> .\n"
)
JSONLD = json.dumps(
    {"@id": "https://w3id.org/sco-graph/id/piped-person", "http://www.w3.org/2000/01/rdf-schema#label": "Quillon Piped"}
)
LABELS = "SELECT ?label WHERE { <https://w3id.org/sco-graph/id/piped-person> rdfs:label ?label }"


def run(*args: str, stdin: str) -> object:
    return CliRunner().invoke(app, list(args), input=stdin)


def names_found(output: str) -> list[str]:
    return [json.loads(line)["name"] for line in output.splitlines()]


def test_data_from_a_pipe_joins_the_bundled_data() -> None:
    """A real pipe, through a separate process: the piped person is found beside the bundled data."""
    done = subprocess.run(
        [sys.executable, "-m", "sco_graph", "--data", "-", "search", "Quillon", "-f", "jsonl"],
        input=PERSON.format(label="Quillon Piped"),
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert names_found(done.stdout)[0] == "Quillon Piped"
    bundled = subprocess.run(
        [sys.executable, "-m", "sco_graph", "--data", "-", "who-met", "Zhang", "Ming", "-f", "jsonl"],
        input=PERSON.format(label="Quillon Piped"),
        capture_output=True,
        text=True,
        check=False,
    )
    assert json.loads(bundled.stdout.splitlines()[0])["counterpart"] == "Sadyr Japarov"


def test_other_bytes_of_the_same_size_are_never_served_from_a_stale_store() -> None:
    first = run("--data", "-", "sparql", LABELS, "-f", "csv", stdin=PERSON.format(label="Quillon Aaaaa"))
    second = run("--data", "-", "sparql", LABELS, "-f", "csv", stdin=PERSON.format(label="Quillon Bbbbb"))
    again = run("--data", "-", "sparql", LABELS, "-f", "csv", stdin=PERSON.format(label="Quillon Aaaaa"))
    assert first.exit_code == second.exit_code == again.exit_code == 0, second.output
    assert first.stdout.splitlines() == ["label", "Quillon Aaaaa"]
    assert second.stdout.splitlines() == ["label", "Quillon Bbbbb"]
    assert again.stdout == first.stdout


@pytest.mark.parametrize(("fmt", "text"), [("ntriples", NTRIPLES), ("jsonld", JSONLD), ("TURTLE", PERSON)])
def test_input_format_names_the_syntax_of_standard_input(fmt: str, text: str) -> None:
    result = run(
        "--no-bundled", "--input-format", fmt, "--data", "-", "sparql", LABELS, "-f", "csv",
        stdin=text.replace("{label}", "Quillon Piped"),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == ["label", "Quillon Piped"]


def test_standard_input_is_turtle_unless_told_otherwise() -> None:
    result = run("--no-bundled", "--data", "-", "stats", stdin=JSONLD)
    assert result.exit_code == ExitCode.INVALID_DATA
    assert result.stderr.startswith("sco-graph: error: <stdin>:1:")


def test_an_unknown_input_format_is_a_usage_error() -> None:
    result = run("--input-format", "rdfxml", "--data", "-", "stats", stdin=NTRIPLES)
    assert result.exit_code == ExitCode.USAGE
    assert "--input-format must be one of turtle, ntriples, jsonld" in result.stderr


def test_relative_iris_on_standard_input_resolve_against_the_working_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = run("--no-bundled", "--data", "-", "sparql", "SELECT ?s WHERE { ?s ?p ?o }", "-f", "csv",
                 stdin="<a> <b> <c> .\n")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[1] == (tmp_path / "a").as_uri()


def test_validate_reads_standard_input() -> None:
    good = run("validate", "--syntax-only", "-", "-f", "json", stdin=PERSON.format(label="Quillon Piped"))
    assert good.exit_code == 0, good.output
    assert json.loads(good.stdout)["files"] == ["-"]
    assert json.loads(good.stdout)["triples"] == 2
    bad = run("validate", "-", "-f", "jsonl", stdin='<a> <b> "open .\n')
    assert bad.exit_code == ExitCode.INVALID_DATA
    assert json.loads(bad.stdout.splitlines()[0])["location"].startswith("<stdin>:1:")


def test_validate_takes_its_own_input_format() -> None:
    as_turtle = run("validate", "--syntax-only", "-", stdin=JSONLD)
    as_jsonld = run("validate", "--syntax-only", "--input-format", "jsonld", "-", stdin=JSONLD)
    assert as_turtle.exit_code == ExitCode.INVALID_DATA
    assert as_jsonld.exit_code == 0, as_jsonld.output
    assert as_jsonld.stdout.startswith("OK: 1 file(s), 1 triples")


@pytest.mark.parametrize("args", [["sparql", "-"], ["sparql", "--file", "-"]])
def test_sparql_reads_the_query_from_standard_input(args: list[str]) -> None:
    result = run(*args, "-f", "csv", stdin="SELECT ?name WHERE { ?p a sco:Person ; rdfs:label ?name } LIMIT 1")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == "name"
    assert len(result.stdout.splitlines()) == 2


def test_standard_input_cannot_hold_both_the_query_and_the_data() -> None:
    result = run("--data", "-", "sparql", "-", stdin=NTRIPLES)
    assert result.exit_code == ExitCode.USAGE
    assert "standard input" in result.stderr


def test_the_library_reads_standard_input_too(monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    from sco_graph.load import STDIN

    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(NTRIPLES.encode())))
    STDIN.restart()
    try:
        graph = api.open_graph([Path("-")], bundled=False, stdin_format="ntriples")
        assert [hit.entity.name for hit in queries.search(graph, "Quillon", 1).hits] == ["Quillon Piped"]
    finally:
        STDIN.restart()
