"""Exports stream: canonical N-Triples whatever the blank labels, kept beside the store, the same bytes as before."""

from __future__ import annotations

import errno
import io
import os
import re
import tempfile
from pathlib import Path
from typing import Any

import networkx as nx
import pyoxigraph as ox
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import sco_graph.export_rdf as export_rdf
from sco_graph import api
from sco_graph.errors import StorageError
from sco_graph.escape import xml_text
from sco_graph.export import export, export_to_files, export_to_stream, rdf_bytes
from sco_graph.export_cache import LAYOUT
from sco_graph.export_network import (
    EDGE_ATTRIBUTES,
    GEXF_EDGE_VALUES,
    EdgeRow,
    Network,
    _spell,
    json_list,
    write_network,
)
from sco_graph.graph import Graph
from sco_graph.store import LocalStore
from sco_graph.terms import BlankNode, Row

from .conftest import Invoke

# Two lists that end alike: their last nodes say the same thing and are told apart only by who points at them.
LISTS = """@prefix ex: <https://example.org/> .
ex:a ex:items ( ex:x ex:y ) ; ex:note [ ex:text "one" ] , [ ex:text "two" ] .
ex:b ex:items ( ex:z ex:y ) ; ex:note [ ex:text "one" ] .
ex:c ex:label "tab\\there" , "line\\u2028separator" , "bell\\u0007" .
"""
FORMATS = ["ntriples", "turtle", "jsonld"]


def in_memory(text: str) -> Graph:
    """A graph of ``text`` in a fresh store: its blank nodes get new random labels every time."""
    store = ox.Store()
    store.load(text.encode("utf-8"), format=ox.RdfFormat.TURTLE)
    return Graph(LocalStore(store, "test data"))


@pytest.fixture
def data_file(tmp_path: Path) -> Path:
    path = tmp_path / "lists.ttl"
    path.write_text(LISTS, encoding="utf-8")
    return path


@pytest.fixture
def private_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    cache = tmp_path / "cache"
    monkeypatch.setenv("SCO_GRAPH_CACHE", str(cache))
    return cache


def compiled(data_file: Path) -> Graph:
    graph = api.open_graph([data_file], bundled=False)
    assert graph.cache_entry is not None
    return graph


def streamed(graph: Graph, fmt: str) -> bytes:
    buffer = io.BytesIO()
    export_to_stream(graph, fmt, buffer)
    return buffer.getvalue()


# ------------------------------------------------------------------ canonical N-Triples
def test_ntriples_are_the_graph_in_byte_order_once_each(graph: Graph) -> None:
    lines = rdf_bytes(graph, "ntriples").splitlines(keepends=True)
    assert lines == sorted(set(lines))
    assert len(lines) == len(graph.store.select("SELECT ?s ?p ?o WHERE { ?s ?p ?o }"))
    assert all(line.endswith(b" .\n") for line in lines)


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_same_data_gives_the_same_bytes_whatever_labels_the_store_chose(fmt: str) -> None:
    exports = {rdf_bytes(in_memory(LISTS), fmt) for _ in range(8)}
    assert len(exports) == 1
    lines = LISTS.splitlines()
    reordered = "\n".join([lines[0], *reversed(lines[1:])]) + "\n"
    assert rdf_bytes(in_memory(reordered), fmt) in exports


def test_look_alike_blank_nodes_get_distinct_labels_and_read_back_the_same() -> None:
    exported = rdf_bytes(in_memory(LISTS), "ntriples")
    labels = set(re.findall(rb"_:b[0-9a-f]{20}(?:x[0-9]+)?", exported))
    assert len(labels) == 7  # four list nodes and three notes
    assert any(label.endswith(b"x2") for label in labels)  # the lists' last nodes, and the two "one" notes
    back = in_memory(exported.decode("utf-8"))
    assert rdf_bytes(back, "ntriples") == exported


def test_raw_control_characters_are_written_as_escapes() -> None:
    exported = rdf_bytes(in_memory(LISTS), "ntriples")
    assert b"\\u2028" in exported and b"\\u0007" in exported and b"\\t" in exported
    assert not re.search(rb"[\x00-\x08\x0b-\x1f\x7f]|\xe2\x80\xa8", exported)


def test_sorting_in_many_runs_on_disk_gives_the_same_export(graph: Graph, monkeypatch: pytest.MonkeyPatch) -> None:
    fresh = Graph(graph.store)  # no cache entry: nothing kept, everything made
    whole = rdf_bytes(fresh, "ntriples")
    monkeypatch.setattr(export_rdf, "RUN_BYTES", 4096)
    monkeypatch.setattr(export_rdf, "CHUNK", 1000)
    assert rdf_bytes(fresh, "ntriples") == whole


class RenamingEndpoint:
    """A store that answers like an endpoint whose blank-node labels are not N-Triples labels."""

    description = "an endpoint"

    def __init__(self, store: LocalStore) -> None:
        self.store = store

    def select(self, query: str, bindings: Any = None) -> list[Row]:
        return [
            {name: BlankNode(f"nodeID://{term.value}") if isinstance(term, BlankNode) else term
             for name, term in row.items()}
            for row in self.store.select(query, bindings)
        ]  # fmt: skip

    def run(self, *args: Any, **options: Any) -> Any:
        raise NotImplementedError


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_endpoint_gives_the_same_export_as_local_data(fmt: str) -> None:
    local = in_memory(LISTS)
    assert isinstance(local.store, LocalStore)
    remote = Graph(RenamingEndpoint(local.store))  # type: ignore[arg-type]
    assert rdf_bytes(remote, fmt) == rdf_bytes(local, fmt)


# ------------------------------------------------------------------ kept beside the compiled store
@pytest.mark.parametrize("fmt", ["ntriples", "turtle"])
def test_exports_are_identical_across_cache_rebuilds(cli: Invoke, tmp_path: Path, fmt: str) -> None:
    first = cli("export", "--format", fmt, env={"SCO_GRAPH_CACHE": str(tmp_path / "one")})
    second = cli("export", "--format", fmt, env={"SCO_GRAPH_CACHE": str(tmp_path / "two")})
    assert first.exit_code == second.exit_code == 0, first.output + second.output
    assert first.stdout_bytes == second.stdout_bytes


def test_a_second_export_is_copied_from_the_kept_file(
    private_cache: Path, data_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = streamed(compiled(data_file), "turtle")

    def must_not_run(*args: object) -> None:
        raise AssertionError("the export was made again")

    monkeypatch.setattr(export_rdf, "write_canonical", must_not_run)
    monkeypatch.setattr(export_rdf, "convert", must_not_run)
    again = compiled(data_file)
    assert streamed(again, "turtle") == first
    assert again.cache_entry is not None
    assert sorted(path.name for path in (again.cache_entry / "exports").iterdir()) == ["ntriples", "turtle"]


def test_turtle_is_made_from_the_kept_ntriples(
    private_cache: Path, data_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = rdf_bytes(in_memory(LISTS), "turtle")
    streamed(compiled(data_file), "ntriples")
    monkeypatch.setattr(export_rdf, "write_canonical", lambda *args: pytest.fail("the graph was read again"))
    assert streamed(compiled(data_file), "turtle") == expected


def damage(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[-5] ^= 0x01
    path.write_bytes(bytes(data))


def point_elsewhere(path: Path) -> None:
    elsewhere = path.with_name("elsewhere")
    path.replace(elsewhere)
    path.symlink_to(elsewhere)


def older(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data.replace(b"sco-graph-export %d " % LAYOUT, b"sco-graph-export %d " % (LAYOUT - 1), 1))


def truncate(path: Path) -> None:
    with path.open("r+b") as stream:
        stream.truncate(path.stat().st_size - 10)


@pytest.mark.parametrize("spoil", [damage, point_elsewhere, older, truncate])
def test_a_kept_export_that_fails_a_check_is_made_again(private_cache: Path, data_file: Path, spoil: Any) -> None:
    graph = compiled(data_file)
    first = streamed(graph, "ntriples")
    assert graph.cache_entry is not None
    kept = graph.cache_entry / "exports" / "ntriples"
    good = kept.read_bytes()
    spoil(kept)
    assert streamed(compiled(data_file), "ntriples") == first
    assert not kept.is_symlink() and kept.read_bytes() == good


def test_work_folders_of_runs_no_longer_alive_are_removed(private_cache: Path, data_file: Path) -> None:
    graph = compiled(data_file)
    assert graph.cache_entry is not None
    exports = graph.cache_entry / "exports"
    exports.mkdir()
    dead, alive = exports / ".work-999999999-x", exports / f".work-{os.getpid()}-y"
    dead.mkdir()
    alive.mkdir()
    (dead / "dump.nt").write_bytes(b"left by a killed run")
    streamed(graph, "ntriples")
    assert not dead.exists() and alive.exists()


def temporary_folders() -> set[str]:
    return {name for name in os.listdir(tempfile.gettempdir()) if name.startswith("sco-graph-export-")}


def test_a_failed_export_leaves_no_output_and_no_work_files(
    private_cache: Path, data_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    graph = compiled(data_file)
    before = temporary_folders()

    def full(*args: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(export_rdf, "write_canonical", full)
    target = tmp_path / "out.nt"
    with pytest.warns(UserWarning, match="cannot keep the export"), pytest.raises(StorageError, match="No space"):
        export_to_files(graph, "ntriples", target)
    assert not target.exists()
    assert graph.cache_entry is not None
    assert list((graph.cache_entry / "exports").iterdir()) == []
    assert temporary_folders() == before


def test_a_cache_that_cannot_keep_the_export_still_exports(
    private_cache: Path, data_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = rdf_bytes(in_memory(LISTS), "ntriples")
    graph = compiled(data_file)
    assert graph.cache_entry is not None
    calls: list[Path] = []
    real = export_rdf.write_canonical

    def full_in_the_cache(graph: Graph, work: Path, sink: Any) -> None:
        calls.append(work)
        if graph_entry in work.parents:
            raise OSError(errno.ENOSPC, "No space left on device")
        real(graph, work, sink)

    graph_entry = graph.cache_entry
    monkeypatch.setattr(export_rdf, "write_canonical", full_in_the_cache)
    with pytest.warns(UserWarning, match="cannot keep the export"):
        exported = streamed(graph, "ntriples")
    assert exported == expected
    assert len(calls) == 2
    assert list((graph.cache_entry / "exports").iterdir()) == []


# ------------------------------------------------------------------ streams and files agree
@pytest.mark.parametrize("fmt", ["turtle", "ntriples", "jsonld", "graphml", "gexf", "csv", "dot", "cypher", "neo4j"])
def test_streamed_files_and_in_memory_exports_agree(graph: Graph, tmp_path: Path, fmt: str) -> None:
    parts = export(graph, fmt)
    written = export_to_files(graph, fmt, tmp_path / f"out.{fmt}")
    assert {path.name: path.read_bytes() for path in written} == {
        f"out{suffix}.{fmt}": data for suffix, data in parts.items()
    }
    assert written == {path: len(path.read_bytes()) for path in written}
    assert streamed(graph, fmt) == parts[""]


# ------------------------------------------------------------------ the same bytes networkx's writers gave
def networkx_graph(network: Network) -> nx.MultiDiGraph[str]:
    """The network as networkx held it, every text made safe for XML as the exports did."""
    graph: nx.MultiDiGraph[str] = nx.MultiDiGraph()
    for iri, (label, kind) in network.nodes.items():
        graph.add_node(xml_text(iri), label=xml_text(label), type=xml_text(kind), iri=xml_text(iri))
    for edge in network.edges:
        values = {name: xml_text(value) if isinstance(value, str) else value
                  for name, value in zip(EDGE_ATTRIBUTES, edge.values, strict=True)}  # fmt: skip
        graph.add_edge(xml_text(edge.source), xml_text(edge.target), key=edge.key, **values)
    return graph


def networkx_graphml(network: Network) -> bytes:
    buffer = io.BytesIO()
    nx.write_graphml(networkx_graph(network), buffer, encoding="utf-8", prettyprint=True, named_key_ids=True)
    return buffer.getvalue()


def ours(network: Network, fmt: str) -> bytes:
    buffer = io.BytesIO()
    write_network(network, fmt, buffer)
    return buffer.getvalue()


texts = st.text(max_size=12)
lists = st.lists(texts, max_size=3).map(json_list)
DATES = ["", "2023-05-11", "2007-10/..", "../2018-06-08", "2018-06-09/2018-06-10", "2021"]


@st.composite
def networks(draw: st.DrawFn) -> Network:
    iris = draw(st.lists(texts, max_size=5, unique_by=xml_text))
    nodes = {iri: (draw(texts), draw(texts)) for iri in iris}
    edges = []
    for number in range(draw(st.integers(0, 6)) if iris else 0):
        start, end, node, detail = (draw(texts) for _ in range(4))
        values: list[str | bool] = [draw(texts), draw(st.sampled_from(DATES)), start, end, draw(lists), node, detail]
        values += [draw(st.booleans()), draw(st.booleans()), draw(lists), draw(lists)]
        edges.append(EdgeRow(draw(st.sampled_from(iris)), draw(st.sampled_from(iris)), f"e{number}", tuple(values)))
    place = {iri: number for number, iri in enumerate(nodes)}
    edges.sort(key=lambda edge: (place[edge.source], place[edge.target]))  # the order networkx iterates in
    return Network(nodes, edges)


@settings(max_examples=80, deadline=None)
@given(networks())
def test_graphml_is_the_bytes_networkx_wrote(network: Network) -> None:
    assert ours(network, "graphml") == networkx_graphml(network)


def gexf_as_read(network: Network) -> tuple[dict[str, dict[str, Any]], list[tuple[str, str, dict[str, Any]]]]:
    """What networkx reads from our GEXF of ``network``: nodes and edges with their data."""
    graph = nx.read_gexf(io.BytesIO(ours(network, "gexf")), node_type=str)
    return dict(graph.nodes(data=True)), sorted(graph.edges(data=True), key=lambda edge: int(edge[2]["id"]))


def gexf_expected(network: Network) -> tuple[dict[str, dict[str, Any]], list[tuple[str, str, dict[str, Any]]]]:
    nodes = {xml_text(iri): {"label": xml_text(label), "type": xml_text(kind), "iri": xml_text(iri)}
             for iri, (label, kind) in network.nodes.items()}  # fmt: skip
    edges = []
    for number, edge in enumerate(network.edges):
        data: dict[str, Any] = {name: edge.get(name) for name in GEXF_EDGE_VALUES}
        data = {name: xml_text(value) if isinstance(value, str) else value for name, value in data.items()}
        start, end = _spell(str(edge.get("date")))
        data.update({"id": str(number), **({"start": start} if start else {}), **({"end": end} if end else {})})
        edges.append((xml_text(edge.source), xml_text(edge.target), data))
    return nodes, edges


@settings(max_examples=80, deadline=None)
@given(networks())
def test_gexf_reads_back_in_networkx_as_the_network_it_was_written_from(network: Network) -> None:
    assert gexf_as_read(network) == gexf_expected(network)


@settings(max_examples=40, deadline=None)
@given(networks())
def test_any_gexf_is_valid_against_the_gexf_1_3_schema(network: Network) -> None:
    from lxml import etree

    from .test_export_time import SCHEMA

    if not SCHEMA.is_file():
        pytest.skip("../shared/gexf-1.3 is not present")
    schema = etree.XMLSchema(etree.parse(str(SCHEMA)))
    assert schema.validate(etree.fromstring(ours(network, "gexf"))), schema.error_log
