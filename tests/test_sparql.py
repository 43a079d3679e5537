"""`sparql` is strictly read-only, bounded in time and rows, and precise about syntax errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sco_graph.errors import ExitCode
from sco_graph.sparql import check_read_only

from .conftest import Invoke

REFUSED = [
    "INSERT DATA { <urn:a> <urn:b> <urn:c> }",
    "DELETE WHERE { ?s ?p ?o }",
    "delete data { <urn:a> <urn:b> <urn:c> }",
    "LOAD <file:///etc/passwd>",
    "CLEAR ALL",
    "DROP GRAPH <urn:g>",
    "CREATE GRAPH <urn:g>",
    "ADD DEFAULT TO <urn:g>",
    "MOVE DEFAULT TO <urn:g>",
    "COPY DEFAULT TO <urn:g>",
    "WITH <urn:g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
    "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
    "SELECT * FROM <file:///etc/passwd> WHERE { ?s ?p ?o }",
    "SELECT * FROM NAMED <http://example.org/g> WHERE { GRAPH ?g { ?s ?p ?o } }",
    "SELECT * WHERE { ?s ?p ?o } ; DROP ALL",
]


@pytest.mark.parametrize("query", REFUSED)
def test_updates_service_and_from_are_refused_before_anything_runs(cli: Invoke, query: str) -> None:
    result = cli("sparql", query)
    assert result.exit_code == ExitCode.QUERY_REFUSED
    assert result.stderr.startswith("sco-graph: error: refused: ")
    assert result.stdout == ""


@pytest.mark.parametrize(
    "query",
    [
        'SELECT ?x WHERE { BIND("DROP ALL; INSERT" AS ?x) }',
        "SELECT ?s WHERE { ?s <http://example.org/from/service> ?o } # DELETE everything",
        "SELECT ?insert ?from WHERE { ?insert ?from ?o } LIMIT 1",
    ],
)
def test_keywords_inside_strings_iris_comments_and_variables_are_not_refused(query: str) -> None:
    assert check_read_only(query) == query


def test_a_select_answers_with_the_w3c_json_results_shape(cli: Invoke) -> None:
    data = cli.json("sparql", "SELECT ?name WHERE { e:zhang-ming rdfs:label ?name }")
    assert data == {
        "head": {"vars": ["name"]},
        "results": {"bindings": [{"name": {"type": "literal", "value": "Zhang Ming"}}]},
        "truncated": False,
    }


def test_ask_and_construct(cli: Invoke) -> None:
    assert cli.json("sparql", "ASK { e:zhang-ming a sco:Person }") == {"head": {}, "boolean": True}
    construct = cli("sparql", "CONSTRUCT { ?s a sco:Person } WHERE { ?s a sco:Person }", "--format", "csv")
    assert construct.exit_code == 0
    assert construct.stdout.splitlines()[0] == "subject,predicate,object"
    assert len(construct.stdout.splitlines()) == 11


def test_rows_are_capped_with_a_notice(cli: Invoke) -> None:
    result = cli("sparql", "SELECT * WHERE { ?s ?p ?o }", "--limit", "5", "--format", "json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert len(data["results"]["bindings"]) == 5
    assert data["truncated"] is True
    assert "cut at 5 rows" in result.stderr


def test_a_runaway_query_is_stopped_at_the_timeout(cli: Invoke) -> None:
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
    result = cli("sparql", query, "--timeout", "0.5")
    assert result.exit_code == ExitCode.TIMEOUT
    assert "stopped" in result.stderr


def test_a_syntax_error_reports_line_and_column_of_the_users_query(cli: Invoke) -> None:
    result = cli("sparql", "SELECT *\nWHERE { ?s ?p }")
    assert result.exit_code == ExitCode.USAGE
    assert "line 2, column 16" in result.stderr


def test_a_query_can_come_from_a_file(cli: Invoke, tmp_path: Path) -> None:
    query = tmp_path / "people.rq"
    query.write_text("SELECT (COUNT(?p) AS ?n) WHERE { ?p a sco:Person }\n", encoding="utf-8")
    data = cli.json("sparql", "--file", str(query))
    assert data["results"]["bindings"][0]["n"]["value"] == "10"


@pytest.mark.parametrize(
    ("args", "code"),
    [
        ([], ExitCode.USAGE),
        (["SELECT * WHERE {}", "--file", "q.rq"], ExitCode.USAGE),
        (["   "], ExitCode.USAGE),
        (["--file", "/no/such/query.rq"], ExitCode.IO_ERROR),
        (["SELECT * WHERE {}", "--timeout", "0"], ExitCode.USAGE),
        (["SELECT * WHERE {}", "--limit", "0"], ExitCode.USAGE),
    ],
)
def test_bad_sparql_invocations_fail_cleanly(cli: Invoke, args: list[str], code: int) -> None:
    result = cli("sparql", *args)
    assert result.exit_code == code
    assert result.stderr.startswith("sco-graph: error: ")
    assert "Traceback" not in result.output
