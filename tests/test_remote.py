"""A real Oxigraph server on 127.0.0.1: every query command answers the same, byte for byte."""

from __future__ import annotations

import http.server
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from sco_graph import api
from sco_graph.errors import ExitCode
from sco_graph.export import rdf_bytes
from sco_graph.graph import Graph
from sco_graph.remote import RemoteStore
from sco_graph.store import QueryTimeoutError, bind
from sco_graph.terms import Literal

from .conftest import Invoke
from .servers import free_port, oxigraph_server


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory: pytest.TempPathFactory, graph: Graph) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("oxigraph")
    data = folder / "data.nt"
    data.write_bytes(rdf_bytes(graph, "ntriples"))
    with oxigraph_server(data, folder) as url:
        yield url


QUERIES = [
    ["who-met", "Zhang", "Ming"],
    ["who-met", "Mirzayev", "--as-of", "2023-05"],
    ["neighbours", "CSTO", "--depth", "2"],
    ["neighbours", "SCO", "--type", "country", "--as-of", "2016"],
    ["path", "Terhi Hakala", "Sadyr Japarov"],
    ["path", "Terhi Hakala", "Zhang Ming", "--all", "--max-hops", "5"],
    ["timeline"],
    ["timeline", "CSTO", "--from", "2018"],
    ["show", "Mirzayev"],
    ["show", "SCO"],
    ["search", "lebedev"],
    ["members", "SCO", "--as-of", "2017-03-01"],
    ["members", "CIS"],
    ["stats"],
    ["sparql", "SELECT ?name WHERE { ?p a sco:Person ; rdfs:label ?name } ORDER BY ?name"],
    ["sparql", "ASK { e:zhang-ming a sco:Person }"],
]


@pytest.mark.parametrize("args", QUERIES, ids=" ".join)
def test_every_query_command_is_byte_identical_local_and_remote(cli: Invoke, endpoint: str, args: list[str]) -> None:
    local = cli(*args, "--format", "json")
    remote = cli("--endpoint", endpoint, *args, "--format", "json")
    assert local.exit_code == remote.exit_code == 0, remote.output
    assert remote.stdout == local.stdout


def test_the_endpoint_can_come_from_the_environment(cli: Invoke, endpoint: str) -> None:
    result = cli("who-met", "Zhang", "Ming", "--format", "json", env={"SCO_GRAPH_ENDPOINT": endpoint})
    assert result.exit_code == 0
    assert "Sadyr Japarov" in result.stdout


def test_user_input_is_bound_as_terms_never_spliced(endpoint: str) -> None:
    hostile = 'x" } } ; DROP ALL ; INSERT DATA { <a:b> <a:c> <a:d> } # \\" \n'
    query = "SELECT ?s WHERE { ?s rdfs:label ?name }"
    assert bind(query, {"name": Literal(hostile)}).count("DROP ALL") == 1
    store = RemoteStore(endpoint)
    assert store.select(query, {"name": Literal(hostile)}) == []
    assert store.select(query, {"name": Literal("Zhang Ming")})  # the same query finds a real name


def test_hostile_names_through_the_cli_are_just_unknown(cli: Invoke, endpoint: str) -> None:
    result = cli("--endpoint", endpoint, "who-met", '"} } DROP ALL ; SELECT * WHERE { ?s ?p ?o')
    assert result.exit_code == ExitCode.UNKNOWN_NAME
    assert cli("--endpoint", endpoint, "stats", "--format", "json").exit_code == 0


def test_updates_are_refused_before_reaching_the_endpoint(cli: Invoke, endpoint: str) -> None:
    result = cli("--endpoint", endpoint, "sparql", "DROP ALL")
    assert result.exit_code == ExitCode.QUERY_REFUSED


def test_a_refused_connection_is_a_clean_error(cli: Invoke) -> None:
    result = cli("--endpoint", f"http://127.0.0.1:{free_port()}/query", "who-met", "Zhang")
    assert result.exit_code == ExitCode.REMOTE_ERROR
    assert result.stderr.startswith("sco-graph: error: cannot reach")
    assert result.stdout == ""


def test_an_http_error_is_a_clean_error(cli: Invoke, endpoint: str) -> None:
    result = cli("--endpoint", endpoint.replace("/query", "/nowhere"), "stats")
    assert result.exit_code == ExitCode.REMOTE_ERROR
    assert "HTTP 404" in result.stderr


class _Handler(http.server.BaseHTTPRequestHandler):
    delay = 0.0

    def do_POST(self) -> None:
        time.sleep(self.delay)
        body = b"<html><body>Service Unavailable</body></html>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


class _QuietServer(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        """A client that stopped waiting (the timeout tests) is expected, not news for stderr."""


@pytest.fixture
def fake_server() -> Iterator[tuple[str, type[_Handler]]]:
    handler = type("Handler", (_Handler,), {})
    server = _QuietServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/sparql", handler
    finally:
        server.shutdown()
        server.server_close()


def test_an_answer_that_is_not_sparql_results_is_a_clean_error(cli: Invoke, fake_server: tuple[str, type]) -> None:
    url, _ = fake_server
    result = cli("--endpoint", url, "who-met", "Zhang")
    assert result.exit_code == ExitCode.REMOTE_ERROR
    assert "did not answer with SPARQL JSON results" in result.stderr


def test_a_slow_endpoint_times_out(fake_server: tuple[str, type]) -> None:
    url, handler = fake_server
    handler.delay = 2.0
    with pytest.raises(QueryTimeoutError):
        RemoteStore(url, timeout=0.3).select("SELECT * WHERE { ?s ?p ?o }")


def test_a_bad_endpoint_url_is_a_usage_error(cli: Invoke) -> None:
    result = cli("--endpoint", "ftp://example.org/sparql", "stats")
    assert result.exit_code == ExitCode.USAGE


def test_endpoint_and_local_data_do_not_mix(endpoint: str, tmp_path: Path) -> None:
    with pytest.raises(Exception, match="--endpoint replaces"):
        api.open_graph([tmp_path], endpoint=endpoint)


@pytest.mark.parametrize(("names", "depth"), [(["Zhang Ming"], 1), (["CSTO"], 2), ([], 1)])
def test_the_network_a_picture_draws_is_the_same_on_an_endpoint(
    endpoint: str, graph: Graph, names: list[str], depth: int
) -> None:
    from sco_graph import queries

    remote = api.open_graph(endpoint=endpoint)
    here = queries.network_edges(graph, names, depth)
    there = queries.network_edges(remote, names, depth)
    assert there[0] == here[0]
    assert sorted(there[1], key=repr) == sorted(here[1], key=repr) and here[1]


def test_a_picture_past_the_limit_is_refused_on_an_endpoint_before_its_relations_are_read(endpoint: str) -> None:
    from sco_graph import queries
    from sco_graph.errors import UsageError

    remote = api.open_graph(endpoint=endpoint)
    with pytest.raises(UsageError, match="more than 5 nodes"):
        queries.network_edges(remote, ["SCO"], 2, max_nodes=5)
    assert isinstance(remote.store, RemoteStore) and remote.store.traffic.received < 20_000
