"""The entity graph: the RDF data mirrored into networkx for graph algorithms and exports.

Nodes are entities (label, type, IRI). Edges are the relations between them
that events, facts and entity descriptions state, each with its relation,
dates, event or fact node and sources. Every attribute is a plain scalar, so
GraphML, GEXF and DOT writers accept it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sco_graph.graph import Graph
from sco_graph.relations import all_edges
from sco_graph.results import Edge, cite

if TYPE_CHECKING:
    import networkx as nx


def edge_attributes(edge: Edge) -> dict[str, Any]:
    """An edge's attributes as plain strings and booleans; start and end are ISO days (for Gephi)."""
    attributes: dict[str, Any] = {
        "relation": edge.relation,
        "date": edge.date_text(),
        "node": edge.node or "",
        "detail": edge.detail or "",
        "symmetric": edge.symmetric,
        "source": cite(edge.citations),
        "seed_files": " ".join(sorted({c.source.seed_file or c.source.iri for c in edge.citations})),
    }
    first, last = None, None
    if edge.when is not None:
        first, last = edge.when.earliest(), edge.when.latest()
    elif edge.period is not None:
        anchor = edge.period.start or (edge.period.attested[0] if edge.period.attested else None)
        first = anchor.earliest() if anchor else None
        last = edge.period.end.latest() if edge.period.end else None
    if first is not None:
        attributes["start"] = first.isoformat()
    if last is not None:
        attributes["end"] = last.isoformat()
    return attributes


def entity_graph(graph: Graph) -> nx.MultiDiGraph[str]:
    """Every entity and relation, inserted in a stable order so exports are deterministic."""
    import networkx as nx

    network: nx.MultiDiGraph[str] = nx.MultiDiGraph()
    for entry in sorted(graph.directory.entries()):
        network.add_node(entry.iri, label=entry.name, type=entry.type, iri=entry.iri)
    edges = sorted(
        all_edges(graph), key=lambda e: (e.source.iri, e.target.iri, e.relation, e.node or "", e.date_text())
    )
    for number, edge in enumerate(edges):
        for end in (edge.source, edge.target):
            if end.iri not in network:
                network.add_node(end.iri, label=end.name, type=end.type, iri=end.iri)
        network.add_edge(edge.source.iri, edge.target.iri, key=f"e{number}", **edge_attributes(edge))
    return network
