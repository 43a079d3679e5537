"""What each command costs on a SPARQL endpoint: requests, bytes received and wall time, at two store sizes.

    python benchmarks/remote.py --data 100k=/tmp/100k.ttl --data 1m=/tmp/1m.ttl

Each dataset is loaded into its own Oxigraph server on 127.0.0.1 (``oxigraph
load`` then ``serve-read-only``). Every command runs through the library
against the server; the store's traffic counters give the requests made and
the body bytes received (as sent over the wire, and decompressed). The last
table compares the sizes: bytes fetched per command must not grow with the
store, so the ratio between the two sizes is the figure to watch (goal: at
most 1.5).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

BIN = Path(sys.executable).parent
OXIGRAPH = shutil.which("oxigraph") or str(BIN / "oxigraph")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextlib.contextmanager
def oxigraph(data: Path, folder: Path) -> Iterator[str]:
    store = folder / "store"
    subprocess.run([OXIGRAPH, "load", "--location", str(store), "--file", str(data)], check=True, capture_output=True)
    port = free_port()
    server = subprocess.Popen(
        [OXIGRAPH, "serve-read-only", "--location", str(store), "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/query"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"{url}?query=ASK%7B%7D", timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=30)


def commands(first: str, second: str) -> dict[str, Callable[..., object]]:
    from sco_graph import queries

    word = first.split()[0]
    return {
        f"who-met {first}": lambda graph: queries.who_met(graph, first),
        f"show {first}": lambda graph: queries.show(graph, first),
        f"neighbours {first}": lambda graph: queries.neighbours(graph, first),
        f"timeline {first}": lambda graph: queries.timeline(graph, [first]),
        f"path {first} / {second}": lambda graph: queries.path(graph, first, second, max_hops=4),
        f"search {word}": lambda graph: queries.search(graph, word),
        "stats": lambda graph: queries.stats(graph),
    }


def measure(url: str, first: str, second: str) -> dict[str, dict[str, float]]:
    from sco_graph import api
    from sco_graph.errors import ScoGraphError

    figures: dict[str, dict[str, float]] = {}
    for name, command in commands(first, second).items():
        graph = api.open_graph(endpoint=url)
        start = time.perf_counter()
        try:
            command(graph)
            outcome = "ok"
        except ScoGraphError as error:
            outcome = f"exit {int(error.code)}"
        seconds = time.perf_counter() - start
        traffic = graph.store.traffic  # type: ignore[attr-defined]
        figures[name] = {
            "seconds": round(seconds, 3),
            "requests": traffic.requests,
            "received": traffic.received,
            "decoded": traffic.decoded,
            "outcome": outcome,  # type: ignore[dict-item]
        }
    return figures


def samples(data: Path) -> tuple[str, str]:
    """Two linked people of a generated dataset: the first name written and a co-participant of its first meeting."""
    import pyoxigraph as ox

    store = ox.Store()
    store.bulk_load(path=str(data), format=ox.RdfFormat.TURTLE)
    query = """PREFIX sco: <https://w3id.org/sco-graph/def#> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        SELECT ?a ?b WHERE { ?p a sco:Person ; rdfs:label ?a . ?q a sco:Person ; rdfs:label ?b .
        ?m a sco:Meeting ; sco:participant ?p . ?n a sco:Meeting ; sco:participant ?q .
        ?x sco:participant ?p . ?x sco:participant ?r . ?y sco:participant ?r . ?y sco:participant ?q .
        FILTER(?p != ?q && ?r != ?p && ?r != ?q) FILTER(STRENDS(?a, " 7") && STRENDS(?b, " 9")) } LIMIT 1"""
    for row in store.query(query):  # type: ignore[union-attr]
        return row["a"].value, row["b"].value  # type: ignore[index, union-attr]
    raise SystemExit(f"no sample people in {data}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", action="append", required=True, help="NAME=FILE.ttl (give two sizes)")
    parser.add_argument("--first", help="the entity to ask about (default: one found in the first dataset)")
    parser.add_argument("--second", help="the other end of the path")
    options = parser.parse_args()
    datasets = [(part.split("=", 1)[0], Path(part.split("=", 1)[1])) for part in options.data]
    first, second = options.first, options.second
    if first is None or second is None:
        first, second = samples(datasets[0][1])
    results: dict[str, dict[str, dict[str, float]]] = {}
    for name, data in datasets:
        with tempfile.TemporaryDirectory() as folder, oxigraph(data, Path(folder)) as url:
            results[name] = measure(url, first, second)
    print(json.dumps({"first": first, "second": second, "results": results}, indent=1))
    names = [name for name, _ in datasets]
    print(f"\n{'command':44} " + " ".join(f"{n + ' bytes':>14} {n + ' s':>8} {n + ' req':>7}" for n in names), end="")
    print(f" {'ratio':>6}")
    for command in results[names[0]]:
        cells = []
        for name in names:
            row = results[name][command]
            cells.append(f"{int(row['received']):>14,} {row['seconds']:>8.2f} {int(row['requests']):>7}")
        ratio = results[names[-1]][command]["received"] / max(1, results[names[0]][command]["received"])
        print(f"{command[:44]:44} " + " ".join(cells) + f" {ratio:>6.2f}")


if __name__ == "__main__":
    main()
