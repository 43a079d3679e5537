"""On an endpoint, no command reads the whole graph: what it fetches does not grow with the store.

Two synthetic stores, one ten times the other, are served by Oxigraph. Each
command runs through the library against both, and the store's traffic
counters give the body bytes received; the larger store may cost at most 1.5
times the smaller. The commands' answers are also checked against local data.
"""

from __future__ import annotations

import contextlib
import functools
import importlib.util
import re
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType

import pytest

from sco_graph import api, queries
from sco_graph.errors import AmbiguousNameError, ExitCode, UnknownNameError, UsageError
from sco_graph.graph import Graph
from sco_graph.name_patterns import key_pattern
from sco_graph.remote import RemoteStore
from sco_graph.resolve import normalize, stems, transliteration_key

from .conftest import Invoke
from .servers import oxigraph_server

GENERATOR = Path(__file__).resolve().parents[1] / "benchmarks" / "generate.py"
SIZES = {"small": 20_000, "large": 200_000}
GRAPH_IRI = "https://example.org/sco-graph/synthetic"


def _generate(folder: Path, triples: int) -> Path:
    output = folder / f"synthetic-{triples}.ttl"
    subprocess.run(
        [sys.executable, str(GENERATOR), "--triples", str(triples), "--output", str(output)],
        check=True,
        capture_output=True,
    )
    return output


@pytest.fixture(scope="module")
def stores(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, tuple[str, Path]]]:
    folder = tmp_path_factory.mktemp("bounds")
    small, large = (_generate(folder, triples) for triples in SIZES.values())
    with (
        oxigraph_server(small, _made(folder / "s")) as one,
        oxigraph_server(large, _made(folder / "l"), GRAPH_IRI) as two,
    ):
        yield {"small": (one, small), "large": (two, large)}


def _made(path: Path) -> Path:
    path.mkdir()
    return path


def _open(stores: dict[str, tuple[str, Path]], size: str) -> Graph:
    url, _ = stores[size]
    return api.open_graph(endpoint=url, graph=GRAPH_IRI if size == "large" else None)


def _benchmark() -> ModuleType:
    spec = importlib.util.spec_from_file_location("remote_benchmark", GENERATOR.parent / "remote.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@functools.cache
def _people(data: Path) -> tuple[str, str]:
    """Two people with three meetings each, two hops apart (chosen as the remote benchmark chooses them)."""
    found: tuple[str, str] = _benchmark().samples(data)
    return found


def _commands(first: str, second: str) -> dict[str, Callable[[Graph], object]]:
    return {
        "who-met": lambda graph: queries.who_met(graph, first),
        "show": lambda graph: queries.show(graph, first),
        "path": lambda graph: queries.path(graph, first, second, max_hops=4),
        "search": lambda graph: queries.search(graph, first.split(maxsplit=1)[0]),
        "timeline": lambda graph: queries.timeline(graph, [first]),
        "neighbours": lambda graph: queries.neighbours(graph, first),
        "unknown name": lambda graph: queries.who_met(graph, first + "0000"),
    }


COMMANDS = list(_commands("", ""))


def _received(graph: Graph, command: Callable[[Graph], object]) -> int:
    with contextlib.suppress(UnknownNameError, AmbiguousNameError):
        command(graph)
    store = graph.store
    assert isinstance(store, RemoteStore)
    return store.traffic.received


@pytest.mark.parametrize("name", COMMANDS)
def test_bytes_fetched_do_not_grow_with_the_store(stores: dict[str, tuple[str, Path]], name: str) -> None:
    small = _received(_open(stores, "small"), _commands(*_people(stores["small"][1]))[name])
    large = _received(_open(stores, "large"), _commands(*_people(stores["large"][1]))[name])
    whole = stores["large"][1].stat().st_size
    assert large <= 1.5 * small, f"{name}: {small} bytes at {SIZES['small']} triples, {large} at {SIZES['large']}"
    assert large < whole / 20, f"{name} fetched {large} bytes of a {whole}-byte store"


@pytest.mark.parametrize("name", ["who-met", "path", "search", "timeline"])
def test_the_answers_are_those_of_local_data(stores: dict[str, tuple[str, Path]], name: str) -> None:
    _, data = stores["large"]
    local = api.open_graph([data], bundled=False)
    command = _commands(*_people(data))[name]
    assert command(_open(stores, "large")) == command(local)


def test_requests_share_one_connection(stores: dict[str, tuple[str, Path]]) -> None:
    graph = _open(stores, "large")
    queries.path(graph, *_people(stores["large"][1]), max_hops=4)
    store = graph.store
    assert isinstance(store, RemoteStore)
    assert store.traffic.requests > 3 and store.traffic.connections == 1


def test_without_the_graph_the_named_graph_is_not_read(stores: dict[str, tuple[str, Path]]) -> None:
    url, _ = stores["large"]
    with pytest.raises(UnknownNameError):
        queries.who_met(api.open_graph(endpoint=url), _people(stores["large"][1])[0])


def test_questions_about_everything_are_refused_past_the_bound(
    stores: dict[str, tuple[str, Path]], cli: Invoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    url, _ = stores["large"]
    endpoint = ["--endpoint", url, "--graph", GRAPH_IRI]
    monkeypatch.setattr("sco_graph.graph.ENDPOINT_ROWS", 100)
    refused = cli(*endpoint, "timeline", "--format", "json")
    assert refused.exit_code == ExitCode.USAGE and "name an entity" in refused.stderr
    monkeypatch.setattr("sco_graph.graph.ENDPOINT_ROWS", 10**9)
    assert cli("--endpoint", stores["small"][0], "timeline", "--format", "json").exit_code == 0
    for args in (["export"], ["export", "--format", "graphml"]):
        result = cli(*endpoint, *args)
        assert result.exit_code == ExitCode.USAGE, (args, result.output)
        assert result.stderr.count("\n") == 1 and "endpoint" in result.stderr
    with pytest.raises(UsageError, match="more than 400 nodes"):
        queries.network_edges(_open(stores, "large"), [])


# ------------------------------------------------------------------ the server-side name patterns
SPELLINGS = [
    ("Mirzayev", "Mirzaev"),
    ("Dzhaparov", "Japarov"),
    ("Khachaturyan", "Hachaturian"),
    ("Zhang Ming", "zhang-ming"),
    ("Šavkat", "Savkat"),
    ("Tokayev", "tokaev"),
    ("Lebedev", "LEBEDEV"),
    ("Zuto Mirana 7", "zuto  mirana 7"),
]


@pytest.mark.parametrize(("name", "typed"), SPELLINGS)
def test_a_name_pattern_finds_every_spelling_that_folds_alike(name: str, typed: str) -> None:
    key = transliteration_key(normalize(typed))
    assert transliteration_key(normalize(name)) == key
    assert re.search(key_pattern(key), name), (name, typed)
    for stem in stems(key):
        assert re.search(key_pattern(stem), name)


def test_a_name_pattern_does_not_find_other_names() -> None:
    assert not re.search(key_pattern(transliteration_key(normalize("Lebedev"))), "Zhang Ming")
