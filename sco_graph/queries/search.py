"""``search``: fuzzy search over every name and alias, best first, with scores from 0 to 100."""

from __future__ import annotations

from sco_graph.errors import UsageError
from sco_graph.graph import Graph
from sco_graph.results import EntityRef, SearchHit, SearchResult


def search(graph: Graph, text: str, limit: int = 10) -> SearchResult:
    """Fuzzy search over every name and alias, best first, with scores from 0 to 100."""
    if not 1 <= limit <= 1000:
        raise UsageError(f"--limit must be between 1 and 1000 ({limit} given)")
    matches = graph.directory.search(text, limit=limit, cutoff=50.0)
    hits = tuple(SearchHit(EntityRef(m.entry.iri, m.entry.name, m.entry.type), m.matched, m.score) for m in matches)
    return SearchResult(text, hits)
