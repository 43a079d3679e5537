"""The relations touching a set of entities, collected in two queries and one describe.

Shared by ``neighbours``, ``show`` and the ``draw`` network, which all start
from "every relation with one of these entities at either end".
"""

from __future__ import annotations

from sco_graph.graph import Graph, values_clause
from sco_graph.model import EVENT_TYPES, FACT_TYPES
from sco_graph.relations import ENTITY_RELATIONS, edges_from
from sco_graph.results import Edge, EventRow

_NODE_CLASSES = [*EVENT_TYPES, *FACT_TYPES]


def edges_touching(graph: Graph, iris: list[str], events: dict[str, EventRow] | None = None) -> list[Edge]:
    """Every relation with one of ``iris`` at either end (and, in ``events``, every event involving them)."""
    wanted = values_clause("x", iris)
    nodes = graph.store.select(
        f"SELECT DISTINCT ?n WHERE {{ {wanted} {values_clause('t', _NODE_CLASSES)} ?n ?p ?x . ?n a ?t }}"
    )
    entity_predicates = values_clause("p", ENTITY_RELATIONS)
    pointing = graph.store.select(f"SELECT DISTINCT ?n WHERE {{ {wanted} {entity_predicates} ?n ?p ?x }}")
    described = {row["n"].value for row in nodes} | {row["n"].value for row in pointing} | set(iris)
    touching = set(iris)
    return [
        edge
        for edge in edges_from(graph, graph.describe(described), events)
        if edge.source.iri in touching or edge.target.iri in touching
    ]
