"""Exports: the whole RDF graph (Turtle, N-Triples, JSON-LD) or the entity graph
(GraphML, GEXF, CSV, DOT, Cypher, neo4j-admin CSV), deterministic to the byte,
streamed, written atomically.

This module chooses the format and where the output goes; what each format
holds is in :mod:`sco_graph.export_rdf`, :mod:`sco_graph.export_network` and
:mod:`sco_graph.export_neo4j`, and
how files are written (through a temporary sibling and a rename, never over a
file without ``force``, with the user's umask) is in :mod:`sco_graph.export_files`.
Every export streams: its parts are writers, so a large graph is never held in
memory as one string.
"""

from __future__ import annotations

import io
import os  # noqa: F401 - the module's os, as callers (and tests that fake a full disk) have always reached it
from pathlib import Path
from typing import TYPE_CHECKING

from sco_graph.errors import UsageError
from sco_graph.export_files import Sink, Writer, check_target, output_paths, write_atomic
from sco_graph.export_neo4j import NEO4J_FORMATS
from sco_graph.export_network import NETWORK_FORMATS, Network
from sco_graph.export_rdf import RDF_FORMATS

if TYPE_CHECKING:
    from sco_graph.graph import Graph

__all__ = [
    "FORMATS",
    "GRAPH_FORMATS",
    "RDF_FORMATS",
    "SUFFIXES",
    "check_target",
    "export",
    "export_to_files",
    "export_to_stream",
    "format_for",
    "output_paths",
    "planned_paths",
    "rdf_bytes",
    "write_atomic",
    "writers",
]

GRAPH_FORMATS = NETWORK_FORMATS + NEO4J_FORMATS
TWO_FILES = ("csv", "neo4j")  # formats that write FILE and FILE's name with .nodes before the ending
FORMATS = RDF_FORMATS + GRAPH_FORMATS
SUFFIXES = {
    ".ttl": "turtle",
    ".nt": "ntriples",
    ".jsonld": "jsonld",
    ".graphml": "graphml",
    ".gexf": "gexf",
    ".csv": "csv",
    ".dot": "dot",
    ".gv": "dot",
    ".cypher": "cypher",
    ".cql": "cypher",
}


def format_for(fmt: str | None, output: Path | None) -> str:
    """The export format: as given, or guessed from the output file's ending."""
    if fmt is None:
        if output is None:
            return "turtle"
        guessed = SUFFIXES.get(output.suffix.lower())
        if guessed is None:
            raise UsageError(f"cannot tell the format from {output.name!r}; give --format ({', '.join(FORMATS)})")
        return guessed
    lowered = fmt.lower()
    if lowered not in FORMATS:
        raise UsageError(f"--format must be one of {', '.join(FORMATS)} ({fmt!r} given)")
    return lowered


def writers(graph: Graph, fmt: str) -> dict[str, Writer]:
    """The parts of an export, by file-name suffix ("" is the main output), each a writer that streams it.

    Nothing is read from the graph until a writer runs; the parts of one export share that work.
    """
    if fmt in RDF_FORMATS:
        from sco_graph.export_rdf import write_rdf

        return {"": lambda sink: write_rdf(graph, fmt, sink)}
    made: list[Network] = []

    def network() -> Network:
        if not made:
            from sco_graph.export_network import entity_network

            made.append(entity_network(graph))
        return made[0]

    def part(suffix: str) -> Writer:
        if fmt in NEO4J_FORMATS:
            from sco_graph.export_neo4j import write_neo4j

            return lambda sink: write_neo4j(network(), fmt, sink, suffix)
        from sco_graph.export_network import write_network

        return lambda sink: write_network(network(), fmt, sink, suffix)

    return {suffix: part(suffix) for suffix in ("", ".nodes") if suffix == "" or fmt in TWO_FILES}


def export_to_files(graph: Graph, fmt: str, output: Path, force: bool = False) -> dict[Path, int]:
    """Write the export to ``output`` (and files beside it), atomically; the size of each file written."""
    return write_atomic(output_paths(output, writers(graph, fmt)), force=force)


def export_to_stream(graph: Graph, fmt: str, stream: Sink) -> None:
    """Stream the export's main part into ``stream`` (standard output, say)."""
    writers(graph, fmt)[""](stream)


def export(graph: Graph, fmt: str) -> dict[str, bytes]:
    """Serialise the graph in memory; returns file-name suffixes to contents ("" is the main output).

    For small graphs and tests; :func:`export_to_files` and :func:`export_to_stream` stream instead.
    """
    parts = {}
    for suffix, writer in writers(graph, fmt).items():
        buffer = io.BytesIO()
        writer(buffer)
        parts[suffix] = buffer.getvalue()
    return parts


def rdf_bytes(graph: Graph, fmt: str) -> bytes:
    """The whole graph as Turtle, N-Triples or JSON-LD, with the project's prefixes."""
    return export(graph, fmt)[""]


def planned_paths(output: Path, fmt: str) -> list[Path]:
    """The files an export to ``output`` in ``fmt`` will write, known before any work is done."""
    return list(output_paths(output, {"": b"", ".nodes": b""} if fmt in TWO_FILES else {"": b""}))
