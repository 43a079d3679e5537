"""Exports that real tools load back, byte-for-byte deterministic, written atomically."""

from __future__ import annotations

import csv
import json
import os
from pathlib import Path

import networkx as nx
import pytest
import rdflib
from rdflib.compare import isomorphic

from sco_graph.errors import ExitCode
from sco_graph.load import bundled_files

from .conftest import Invoke


def source_graph() -> rdflib.Graph:
    """The bundled data as an independent reader (rdflib) sees it."""
    graph = rdflib.Graph()
    for file in bundled_files():
        graph.parse(file, format="turtle")
    return graph


@pytest.fixture(scope="module")
def original() -> rdflib.Graph:
    return source_graph()


def export_to(cli: Invoke, path: Path, *args: str) -> Path:
    result = cli("export", "--output", str(path), *args)
    assert result.exit_code == 0, result.output
    return path


@pytest.mark.parametrize(("suffix", "rdflib_format"), [(".ttl", "turtle"), (".jsonld", "json-ld"), (".nt", "nt")])
def test_rdf_exports_reparse_isomorphic_to_the_source(
    cli: Invoke, tmp_path: Path, original: rdflib.Graph, suffix: str, rdflib_format: str
) -> None:
    path = export_to(cli, tmp_path / f"out{suffix}")
    exported = rdflib.Graph().parse(path, format=rdflib_format)
    assert len(exported) == len(original)
    assert isomorphic(exported, original)


def test_turtle_export_carries_the_prefixes(cli: Invoke) -> None:
    text = cli("export", "--format", "turtle").stdout
    assert "@prefix sco: <https://w3id.org/sco-graph/def#> ." in text
    assert "@prefix e: <https://w3id.org/sco-graph/id/> ." in text


def test_graphml_is_read_by_networkx_and_igraph_with_equal_counts(cli: Invoke, tmp_path: Path) -> None:
    import igraph

    path = export_to(cli, tmp_path / "out.graphml")
    by_networkx = nx.read_graphml(path)
    by_igraph = igraph.Graph.Read_GraphML(str(path))
    assert by_networkx.number_of_nodes() == by_igraph.vcount() > 50
    assert by_networkx.number_of_edges() == by_igraph.ecount() > 100
    node = by_networkx.nodes["https://w3id.org/sco-graph/id/zhang-ming"]
    assert (node["label"], node["type"]) == ("Zhang Ming", "person")
    met = [data for _, _, data in by_networkx.edges(data=True) if data["relation"] == "met"]
    assert all(data["date"] and json.loads(data["sources"]) and data["node"] for data in met)


def test_gexf_is_read_by_networkx_and_is_dynamic_for_gephi(cli: Invoke, tmp_path: Path) -> None:
    path = export_to(cli, tmp_path / "out.gexf")
    graph = nx.read_gexf(path)
    graphml = nx.read_graphml(export_to(cli, tmp_path / "same.graphml"))
    assert graph.number_of_nodes() == graphml.number_of_nodes()
    assert graph.number_of_edges() == graphml.number_of_edges()
    assert 'mode="dynamic"' in path.read_text(encoding="utf-8")
    starts = [data.get("start") for _, _, data in graph.edges(data=True)]
    assert "2023-05-11" in starts


def test_csv_writes_edges_and_nodes_files(cli: Invoke, tmp_path: Path) -> None:
    path = export_to(cli, tmp_path / "graph.csv")
    edges = list(csv.DictReader(path.open(encoding="utf-8")))
    nodes = list(csv.DictReader((tmp_path / "graph.nodes.csv").open(encoding="utf-8")))
    graphml = nx.read_graphml(export_to(cli, tmp_path / "same.graphml"))
    assert len(edges) == graphml.number_of_edges()
    assert len(nodes) == graphml.number_of_nodes()
    assert {"source", "target", "relation", "date", "sources"} <= set(edges[0])


def test_dot_has_every_node_and_edge(cli: Invoke) -> None:
    text = cli("export", "--format", "dot").stdout
    assert text.startswith("digraph sco_graph {")
    assert text.rstrip().endswith("}")
    edges = cli("export", "--format", "csv").stdout.count("\n") - 1
    assert text.count(" -> ") == edges > 100


@pytest.mark.parametrize("fmt", ["turtle", "ntriples", "jsonld", "graphml", "gexf", "csv", "dot"])
def test_exports_are_deterministic(cli: Invoke, fmt: str) -> None:
    assert cli("export", "--format", fmt).stdout_bytes == cli("export", "--format", fmt).stdout_bytes


def test_an_existing_file_is_kept_without_force(cli: Invoke, tmp_path: Path) -> None:
    path = tmp_path / "out.ttl"
    path.write_text("precious", encoding="utf-8")
    result = cli("export", "--output", str(path))
    assert result.exit_code == ExitCode.USAGE
    assert "--force" in result.stderr
    assert path.read_text(encoding="utf-8") == "precious"
    assert cli("export", "--output", str(path), "--force").exit_code == 0
    assert path.read_text(encoding="utf-8").startswith("@prefix")


def test_an_export_interrupted_before_the_rename_keeps_the_old_file(
    cli: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "out.ttl"
    path.write_text("the previous export", encoding="utf-8")

    def interrupted(self: Path, target: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(Path, "replace", interrupted)
    result = cli("export", "--output", str(path), "--force")
    assert result.exit_code == ExitCode.INTERRUPTED
    assert path.read_text(encoding="utf-8") == "the previous export"
    assert [child.name for child in tmp_path.iterdir()] == ["out.ttl"]


def test_a_full_disk_leaves_no_partial_file(cli: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import sco_graph.export as exporting

    real_fsync = os.fsync

    def full(descriptor: int) -> None:
        real_fsync(descriptor)
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(exporting.os, "fsync", full)
    path = tmp_path / "out.graphml"
    result = cli("export", "--output", str(path))
    assert result.exit_code == ExitCode.IO_ERROR
    assert "No space left" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_exported_files_follow_the_umask(cli: Invoke, tmp_path: Path) -> None:
    previous = os.umask(0o022)
    try:
        path = export_to(cli, tmp_path / "out.nt")
    finally:
        os.umask(previous)
    assert path.stat().st_mode & 0o777 == 0o644


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (["--format", "xml"], ExitCode.USAGE),
        (["--output", "out.unknown"], ExitCode.USAGE),
        (["--output", "/no/such/folder/out.ttl"], ExitCode.IO_ERROR),
    ],
)
def test_bad_export_options_fail_cleanly(cli: Invoke, args: list[str], code: int) -> None:
    result = cli("export", *args)
    assert result.exit_code == code
    assert result.stderr.startswith("sco-graph: error: ")
    assert "Traceback" not in result.output
