"""`sparql` is strictly read-only, bounded in time and rows, and precise about syntax errors."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from sco_graph.errors import ExitCode, UsageError
from sco_graph.model import ID
from sco_graph.results import SparqlResult
from sco_graph.sparql import QueryRefusedError, check_read_only
from sco_graph.sparql_output import TABLE_CHUNK, write_sparql
from sco_graph.terms import IRI, BlankNode, Literal

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
    assert "truncated" not in data
    assert result.stderr == "sco-graph: warning: results cut at 5 rows; raise --limit to see more\n"


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


# ------------------------------------------------------------------ the guard reads a parse tree, not tokens
@pytest.mark.parametrize(
    ("query", "reason"),
    [
        ("SELECT * WHERE { # x\rSERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }", "SERVICE"),
        ("SELECT * WHERE { # x\r\nservice <http://127.0.0.1:9/> { ?s ?p ?o } }", "SERVICE"),
        ("SELECT * # x\rFROM <file:///etc/passwd> WHERE { ?s ?p ?o }", "FROM"),
        ("SELECT * WHERE { \\u0053ERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }", "SERVICE"),
        ("SELECT * \\U00000046ROM NAMED <http://127.0.0.1:9/> WHERE { ?s ?p ?o }", "FROM"),
        ("SELECT * WHERE { ?s ?p ?o FILTER(?o<?s) SERVICE<http://127.0.0.1:9/>{} }", "SERVICE"),
        ("PREFIX x: <http://127.0.0.1:9/>\nASK { SERVICE x:sparql { ?s ?p ?o } }", "SERVICE"),
        ("SELECT * WHERE { { SELECT ?s WHERE { SERVICE SILENT ?where { ?s ?p ?o } } } }", "SERVICE"),
        ("DESCRIBE <urn:x> FROM <urn:y>", "FROM"),
        ("# SELECT\rINSERT DATA { <urn:a> <urn:b> <urn:c> }", "INSERT DATA is a SPARQL Update form"),
        ("WITH <urn:g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }", "WITH is a SPARQL Update form"),
    ],
)
def test_smuggled_service_from_and_updates_are_refused(query: str, reason: str) -> None:
    with pytest.raises(QueryRefusedError, match=f"^refused: {reason}"):
        check_read_only(query)


def test_what_is_checked_is_what_runs() -> None:
    """Escapes are applied and line breaks made \\n, so the engine reads the very text the guard read."""
    checked = check_read_only('SELECT ?x WHERE {\r\n  BIND("caf\\u00e9" AS ?x) # a comment\r}')
    assert checked == 'SELECT ?x WHERE {\n  BIND("café" AS ?x) # a comment\n}'


def test_an_escape_that_spells_an_escape_is_refused() -> None:
    with pytest.raises(QueryRefusedError, match="spells another escape"):
        check_read_only("SELECT * WHERE { ?s ?p ?o } # \\u005Cu0041")


def test_a_query_only_rdflib_cannot_parse_is_refused_not_passed_through() -> None:
    """oxigraph reads LATERAL; rdflib does not, so the guard cannot vouch for the query."""
    with pytest.raises(QueryRefusedError, match="cannot check this query"):
        check_read_only("SELECT * WHERE { ?s ?p ?o LATERAL { SELECT ?x WHERE { } } }")


def test_a_deeply_nested_query_is_checked_or_refused_never_a_crash() -> None:
    assert check_read_only("SELECT * WHERE " + "{ " * 100 + "?s ?p ?o" + " }" * 100)
    with pytest.raises(QueryRefusedError, match="nested too deeply"):
        check_read_only("SELECT * WHERE " + "{ " * 2000 + "?s ?p ?o" + " }" * 2000)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("SELECT *\nWHERE { ?s ?p }", "SPARQL syntax error at line 2, column 16: "),
        ("# only a comment", "SPARQL syntax error at line 1, column 17: "),
        ("SELECT * WHERE { ?s ?p ?o } \\U0011FFFF", "SPARQL syntax error: \\U0011FFFF is not a Unicode character"),
    ],
)
def test_what_does_not_parse_is_a_syntax_error_with_a_position(query: str, message: str) -> None:
    with pytest.raises(UsageError) as caught:
        check_read_only(query)
    assert str(caught.value).startswith(message)
    assert caught.value.code == ExitCode.USAGE


# ------------------------------------------------------------------ results and their output
def test_a_result_built_from_a_tuple_keeps_working_like_the_named_tuple_it_was() -> None:
    rows = ({"x": IRI("http://example.org/a")},)
    result = SparqlResult("select", ("x",), rows, None, True, 1)
    assert (result.kind, result.variables, result.rows, result.boolean, result.truncated, result.limit) == (
        "select", ("x",), rows, None, True, 1,
    )  # fmt: skip
    assert not result.streamed
    assert result == SparqlResult("select", ("x",), rows, None, True, 1)
    assert SparqlResult("ask", (), (), True, limit=5).as_json() == {"head": {}, "boolean": True}


RESULT = SparqlResult(
    "select",
    ("s", "label"),
    (
        {
            "s": IRI(ID + "zhang-ming"),
            "label": Literal("Zhang\x1b[2J Ming", language="en"),
        },
        {"s": BlankNode("b0"), "label": Literal("42", "http://www.w3.org/2001/XMLSchema#integer")},
        {},
    ),
    None,
    True,
    3,
)


def test_streamed_json_is_the_w3c_document() -> None:
    out = io.StringIO()
    write_sparql(RESULT, "json", out)
    assert json.loads(out.getvalue()) == RESULT.as_json()
    assert "\x1b" not in out.getvalue()
    assert "truncated" not in RESULT.as_json()


def test_csv_and_tables_show_control_characters_escaped() -> None:
    csv_out, table_out = io.StringIO(), io.StringIO()
    write_sparql(RESULT, "csv", csv_out)
    write_sparql(RESULT, "table", table_out)
    assert csv_out.getvalue().splitlines() == [
        "s,label",
        f"{ID}zhang-ming,Zhang\\x1b[2J Ming",
        "_:b0,42",  # W3C SPARQL CSV keeps a blank node's _: prefix
        ",",
    ]
    table = table_out.getvalue().splitlines()
    assert table[:2] == ["3 rows (cut)", ""]
    assert table[2].split() == ["s", "label"]
    assert [len(dashes) for dashes in table[3].split()] == [len("e:zhang-ming"), len("Zhang\\x1b[2J Ming")]
    assert table[4] == "e:zhang-ming  Zhang\\x1b[2J Ming"
    assert table[5].split() == ["_:b0", "42"]


def test_a_long_table_streams_and_counts_its_rows_at_the_end() -> None:
    rows = tuple({"n": Literal(str(number))} for number in range(TABLE_CHUNK + 5))
    out = io.StringIO()
    write_sparql(SparqlResult("select", ("n",), iter(rows)), "table", out)
    lines = out.getvalue().splitlines()
    assert lines[:3] == ["n", "---", "0"]  # the widths of the first chunk
    assert lines[-1] == f"{TABLE_CHUNK + 5} rows"
