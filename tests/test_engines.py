"""Two independent SPARQL engines, Oxigraph and Virtuoso, each holding the data in a named graph.

Every query command, given ``--endpoint`` and ``--graph``, prints byte for byte what it prints
over the local data, on both engines: the same answers, the same order, the same errors.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from sco_graph.cli import app
from sco_graph.errors import ExitCode
from sco_graph.export import rdf_bytes
from sco_graph.graph import Graph

from .servers import oxigraph_server, virtuoso_server
from .test_remote import QUERIES

GRAPH_IRI = "https://example.org/sco-graph/data"

ENGINE_QUERIES = [
    *QUERIES,
    ["who-met", "Mirzoyev"],  # an unknown name with a suggestion: the same error on every store
    ["who-met", "Putin"],  # and one with none
    ["neighbours", "Zhang Ming", "--relation", "met"],
    ["neighbours", "Tashkent"],
    ["neighbors", "CIS", "--relation", "member of", "--depth", "2"],
    ["neighbours", "Norov", "--type", "country"],
    ["common", "Zhang Ming", "Norov"],
    ["common", "Russia", "China", "--as-of", "2019"],
    ["path", "Zhang Ming", "Sadyr Japarov", "--via", "met"],
    ["path", "Terhi Hakala", "Sadyr Japarov", "--all", "--limit", "3", "--via", "met", "--via", "holds a position in"],
    ["path", "Zhang Ming", "Norov", "--chronological"],
    ["path", "Terhi Hakala", "Sadyr Japarov", "--avoid", "SCO"],
    ["path", "Kazakhstan", "Iran", "--as-of", "2018"],  # no path: the same error
    ["timeline", "--type", "meeting", "--to", "2019-06"],
    ["timeline", "SCO", "--type=-fact", "--as-of", "2020"],
    ["timeline", "Tashkent"],
    ["timeline", "--from", "2025"],
    ["show", "Tashkent"],
    ["search", "mirzoyev", "--limit", "3"],
    ["search", "shanghai cooperation"],
    ["stats", "--top", "5"],
    ["sparql", "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"],
    ["sparql", "SELECT ?org (COUNT(?m) AS ?n) WHERE { ?m sco:organisation ?org } GROUP BY ?org ORDER BY ?org"],
]


class Run:
    """The CLI in-process, with each local answer computed once for both engines."""

    def __init__(self) -> None:
        self.runner = CliRunner()
        self.local: dict[tuple[str, ...], Any] = {}

    def __call__(self, *args: str, env: dict[str, str] | None = None) -> Any:
        return self.runner.invoke(app, list(args), env=env)

    def locally(self, *args: str) -> Any:
        if args not in self.local:
            self.local[args] = self(*args)
        return self.local[args]


@pytest.fixture(scope="module")
def run() -> Run:
    return Run()


@pytest.fixture(scope="module")
def data_nt(tmp_path_factory: pytest.TempPathFactory, graph: Graph) -> Path:
    data = tmp_path_factory.mktemp("engine-data") / "data.nt"
    data.write_bytes(rdf_bytes(graph, "ntriples"))
    return data


@pytest.fixture(scope="module", params=["oxigraph", "virtuoso"])
def engine(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, data_nt: Path) -> Iterator[str]:
    folder = tmp_path_factory.mktemp(request.param)
    server: AbstractContextManager[str] = (
        oxigraph_server(data_nt, folder, GRAPH_IRI)
        if request.param == "oxigraph"
        else virtuoso_server(data_nt, folder, GRAPH_IRI)
    )
    with server as url:
        yield url


@pytest.mark.parametrize("args", ENGINE_QUERIES, ids=" ".join)
def test_every_query_command_is_byte_identical_local_and_on_each_engine(run: Run, engine: str, args: list[str]) -> None:
    local = run.locally(*args, "--format", "json")
    remote = run("--endpoint", engine, "--graph", GRAPH_IRI, *args, "--format", "json")
    assert (remote.exit_code, remote.stderr) == (local.exit_code, local.stderr)
    assert remote.stdout == local.stdout


def test_the_graph_can_come_from_the_environment(run: Run, engine: str) -> None:
    local = run.locally("who-met", "Zhang", "Ming", "--format", "json")
    remote = run(
        "who-met", "Zhang", "Ming", "--format", "json", env={"SCO_GRAPH_ENDPOINT": engine, "SCO_GRAPH_GRAPH": GRAPH_IRI}
    )
    assert remote.exit_code == local.exit_code == 0
    assert remote.stdout == local.stdout


def test_without_the_graph_the_engine_answers_from_its_own_default_graph(run: Run, engine: str) -> None:
    # Oxigraph's default graph is empty here; Virtuoso's is the union of every graph, its own included.
    local = run.locally("stats", "--format", "json")
    remote = run("--endpoint", engine, "stats", "--format", "json")
    assert remote.stdout != local.stdout


def test_a_graph_that_holds_nothing_knows_no_names(run: Run, engine: str) -> None:
    result = run("--endpoint", engine, "--graph", "https://example.org/sco-graph/nothing", "who-met", "Zhang", "Ming")
    assert result.exit_code == ExitCode.UNKNOWN_NAME
    assert result.stdout == ""
