"""The most connected entities of an endpoint, from aggregates the server computes.

The server counts the linked pairs and linked entities over the relation rules
(:func:`sco_graph.linkage.linked_pattern`). When the links are few enough to
be worth fetching (at most :data:`PAIRS` pairs among at most
:data:`~sco_graph.centrality.EXACT_UP_TO` entities), they are read and ranked
exactly as local data ranks them, betweenness included. Past that, the server
ranks entities by degree (``GROUP BY`` ... ``ORDER BY DESC``) and only the
first rows are read; betweenness, which needs every link, is left out and the
answer says why.
"""

from __future__ import annotations

from sco_graph.centrality import EXACT_UP_TO, Centrality, rank_pairs
from sco_graph.graph import Graph, count_of
from sco_graph.linkage import linked_pattern
from sco_graph.results import Ranked

PAIRS = 20_000
EXTRA = 100  # rows read past ``top``, so that ties at the cut are ordered by name as local data orders them


def remote_connected(graph: Graph, top: int) -> Centrality:
    """The linked pairs' count and the ``top`` most connected entities, computed on the server."""
    pattern = linked_pattern()
    pairs = (
        count_of(graph.store.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ SELECT DISTINCT ?x ?y WHERE {{ {pattern} }} }}"))
        // 2
    )
    entities = count_of(graph.store.select(f"SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {{ {pattern} }}"))
    if pairs <= PAIRS and entities <= EXACT_UP_TO:
        rows = graph.store.select(f"SELECT DISTINCT ?x ?y WHERE {{ {pattern} FILTER(STR(?x) < STR(?y)) }}")
        return rank_pairs(graph, [(row["x"].value, row["y"].value) for row in rows], top)
    rows = graph.store.select(
        f"SELECT ?x (COUNT(DISTINCT ?y) AS ?n) WHERE {{ {pattern} }} GROUP BY ?x ORDER BY DESC(?n) ?x "
        f"LIMIT {top + EXTRA if top else 0}"
    )
    degrees = {row["x"].value: int(row["n"].value) for row in rows}
    named = graph.entities(degrees)
    ranking = sorted((Ranked(entity, degrees[entity.iri], 0.0) for entity in named), key=_order)[:top]
    reason = (
        f"betweenness needs every link, and the endpoint holds {pairs:,} linked pairs "
        f"(it is computed on an endpoint up to {PAIRS:,} pairs among {EXACT_UP_TO:,} entities)"
    )
    return Centrality(pairs, None, tuple(ranking), reason)


def _order(rank: Ranked) -> tuple[int, str, str]:
    return (-rank.degree, rank.entity.name, rank.entity.iri)
