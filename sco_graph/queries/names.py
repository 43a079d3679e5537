"""Command-line words read as entity names: one name (``Zhang Ming``) or several (``CSTO CIS``)."""

from __future__ import annotations

from sco_graph.graph import Graph


def names_from_words(graph: Graph, words: list[str]) -> list[str]:
    """Read command-line words as one name (``Zhang Ming``) or, failing that, as several (``CSTO CIS``)."""
    joined = " ".join(words)
    directory = graph.directory
    if len(words) > 1 and not directory.is_exact_name(joined) and all(directory.is_exact_name(w) for w in words):
        return list(words)
    return [joined] if words else []
