"""``stats``: counts by type, the most connected entities (degree and betweenness) and the dates covered."""

from __future__ import annotations

from collections import Counter

from sco_graph.dates import PartialDate
from sco_graph.errors import DataError, UsageError
from sco_graph.graph import Graph, values_clause
from sco_graph.model import ENTITY_TYPES, EVENT_TYPES, FACT_TYPES
from sco_graph.results import Ranked, Stats
from sco_graph.terms import Row

BETWEENNESS_EXACT_UP_TO = 2000
BETWEENNESS_SAMPLE = 500


def _count(rows: list[Row]) -> int:
    """The ``?n`` of an aggregate's single row; a store that answers something else is not trusted."""
    from sco_graph.escape import visible

    if not rows:
        return 0
    value = rows[0].get("n")
    if value is None:
        return 0
    try:
        return int(value.value)
    except ValueError:
        raise DataError(f"the store answered a count that is not an integer: {visible(value.value[:40])}") from None


def stats(graph: Graph, top: int = 10) -> Stats:
    """Counts by type, the most connected entities and the dates covered."""
    if not 0 <= top <= 1000:
        raise UsageError(f"--top must be between 0 and 1000 ({top} given)")
    import networkx as nx

    def count(classes: dict[str, str]) -> dict[str, int]:
        rows = graph.store.select(
            f"SELECT ?t (COUNT(DISTINCT ?s) AS ?n) WHERE {{ {values_clause('t', classes)} ?s a ?t }} GROUP BY ?t"
        )
        counts: Counter[str] = Counter()
        for row in rows:
            counts[classes[row["t"].value]] += _count([row])
        return dict(sorted(counts.items()))

    from sco_graph.mirror import path_index

    triples = _count(graph.store.select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"))
    sources = _count(graph.store.select("SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a sco:Article }"))
    network: nx.Graph[str] = nx.Graph()
    network.add_edges_from(path_index(graph).pairs())
    # Exact betweenness costs nodes x links; past a few thousand nodes a fixed sample estimates it.
    sample = BETWEENNESS_SAMPLE if network.number_of_nodes() > BETWEENNESS_EXACT_UP_TO else None
    betweenness = nx.betweenness_centrality(network, k=sample, seed=0) if network.number_of_nodes() else {}
    ranked = sorted(
        (
            Ranked(graph.entity(iri), int(degree), round(betweenness.get(iri, 0.0), 4))
            for iri, degree in network.degree()
        ),
        key=lambda rank: (-rank.degree, -rank.betweenness, rank.entity.name),
    )
    dates = graph.store.select(
        f"""SELECT ?d WHERE {{ {values_clause("t", EVENT_TYPES)} ?e a ?t .
        {{ ?e sco:date ?d }} UNION {{ ?e sco:endDate ?d }} UNION {{ ?e sco:notAfter ?d }} }}"""
    )
    parsed = []
    for row in dates:
        try:
            parsed.append(PartialDate.from_literal(row["d"].value, getattr(row["d"], "datatype", "")))
        except ValueError:
            continue
    parsed.sort(key=PartialDate.sort_key)
    return Stats(
        triples=triples,
        entities=count(ENTITY_TYPES),
        events=count(EVENT_TYPES),
        facts=count(FACT_TYPES),
        sources=sources,
        relations=network.number_of_edges(),
        betweenness_sample=sample,
        top=tuple(ranked[:top]),
        earliest=str(parsed[0]) if parsed else None,
        latest=str(parsed[-1]) if parsed else None,
    )
