"""The library's front door: open the data, then ask questions with :mod:`sco_graph.queries`.

>>> from sco_graph import api, queries
>>> graph = api.open_graph()
>>> [row.counterpart.name for row in queries.who_met(graph, "Zhang Ming").meetings]
['Sadyr Japarov']
"""

from __future__ import annotations

import os
from pathlib import Path

from sco_graph.errors import UsageError
from sco_graph.graph import Graph
from sco_graph.load import STDIN, bundled_files, collect

DATA_ENV = "SCO_GRAPH_DATA"


def data_from_environment() -> list[Path]:
    """Extra data paths from ``SCO_GRAPH_DATA`` (separated like PATH)."""
    value = os.environ.get(DATA_ENV, "")
    return [Path(part) for part in value.split(os.pathsep) if part.strip()]


def input_files(data: list[Path] | None = None, bundled: bool = True) -> list[Path]:
    files = bundled_files() if bundled else []
    files += collect(list(data or []))
    if not files:
        raise UsageError("no data to load: --no-bundled needs at least one --data file or folder")
    return list(dict.fromkeys(files))


def open_graph(
    data: list[Path] | None = None,
    bundled: bool = True,
    endpoint: str | None = None,
    graph: str | None = None,
    stdin_format: str | None = None,
) -> Graph:
    """Open the bundled dataset plus ``data`` (compiled into the cache when needed), or a SPARQL endpoint.

    ``graph`` names the graph of the endpoint that holds the data (its default graph when None).
    A path of ``-`` is standard input, parsed as ``stdin_format`` (turtle, ntriples or jsonld;
    Turtle unless chosen, here or by the command line's --input-format).
    """
    if endpoint:
        from sco_graph.remote import RemoteStore
        from sco_graph.remote_names import RemoteNames

        if data or not bundled:
            raise UsageError("--endpoint replaces the local data: drop --data and --no-bundled")
        remote = RemoteStore(endpoint, graph=graph)
        return Graph(remote, RemoteNames(remote))
    if graph:
        raise UsageError("--graph names a graph of an --endpoint; local data has no graphs to choose from")
    from sco_graph.cache import open_compiled, open_names

    if stdin_format is not None:
        STDIN.choose(stdin_format)
    files = input_files(data, bundled)
    description = "bundled data" if bundled and not data else f"{len(files)} data files"
    store, entry = open_compiled(files, description)
    if entry is None:
        return Graph(store)
    return Graph(store, open_names(entry), entry)
