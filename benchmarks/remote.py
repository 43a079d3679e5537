"""What each command costs on a SPARQL endpoint: requests, bytes received and wall time, at two store sizes.

    python benchmarks/remote.py --data 100k=/tmp/100k.ttl --data 1m=/tmp/1m.ttl

The questions are about two people of each dataset with three meetings each,
two hops apart (A and B), so that the answers are alike at every size.

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
    """Each command about sample people (the same shape of question at every size)."""
    from sco_graph import queries

    return {
        "who-met A": lambda graph: queries.who_met(graph, first),
        "show A": lambda graph: queries.show(graph, first),
        "neighbours A": lambda graph: queries.neighbours(graph, first),
        "timeline A": lambda graph: queries.timeline(graph, [first]),
        "path A B": lambda graph: queries.path(graph, first, second, max_hops=4),
        "path A B --all": lambda graph: queries.path(graph, first, second, max_hops=4, every=True, limit=10),
        "search A's first word": lambda graph: queries.search(graph, first.split(maxsplit=1)[0]),
        "who-met A misspelt": lambda graph: queries.who_met(graph, first + "0"),
        "stats": queries.stats,
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


MEETINGS = """PREFIX sco: <https://w3id.org/sco-graph/def#> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?p ?name WHERE {{ ?p a sco:Person ; rdfs:label ?name . {{ SELECT ?p WHERE {{ ?m a sco:Meeting ;
  sco:participant ?p }} GROUP BY ?p HAVING (COUNT(DISTINCT ?m) = 3) }} {extra} }} ORDER BY ?p LIMIT 50"""
# Two hops away from ?first: met someone who met ?first, never ?first.
TWO_HOPS = """?a sco:participant ?first , ?middle . ?b sco:participant ?middle , ?p .
  FILTER(?p != ?first && ?middle != ?first && ?middle != ?p)
  FILTER NOT EXISTS { ?c sco:participant ?first , ?p }"""


def samples(data: Path) -> tuple[str, str]:
    """Two people with three meetings each, two hops apart: questions whose answers are alike at every size."""
    import pyoxigraph as ox

    store = ox.Store()
    store.bulk_load(path=str(data), format=ox.RdfFormat.TURTLE)
    for first in store.query(MEETINGS.format(extra="")):  # type: ignore[union-attr]
        extra = TWO_HOPS.replace("?first", str(first["p"]))  # type: ignore[index]
        for second in store.query(MEETINGS.format(extra=extra)):  # type: ignore[union-attr]
            return first["name"].value, second["name"].value  # type: ignore[index, union-attr]
    raise SystemExit(f"no two people in {data} have three meetings each and are two hops apart")


def compare(datasets: list[tuple[str, Path]]) -> list[dict[str, object]]:
    """Measure each dataset on its own server; print the table comparing them; return one row a command and size."""
    results: dict[str, dict[str, dict[str, float]]] = {}
    people: dict[str, tuple[str, str]] = {}
    for name, data in datasets:
        people[name] = samples(data)
        with tempfile.TemporaryDirectory() as folder, oxigraph(data, Path(folder)) as url:
            results[name] = measure(url, *people[name])
    names = [name for name, _ in datasets]
    print(f"people asked about: {json.dumps(people)}")
    print(f"{'command':28} " + " ".join(f"{n + ' bytes':>14} {n + ' s':>8} {n + ' req':>7}" for n in names), end="")
    print(f" {'ratio':>6}  goal")
    rows: list[dict[str, object]] = []
    for command in results[names[0]]:
        cells = []
        for name in names:
            row = results[name][command]
            cells.append(f"{int(row['received']):>14,} {row['seconds']:>8.2f} {int(row['requests']):>7}")
            rows.append({"dataset": name, "command": f"endpoint {command}", **row})
        ratio = results[names[-1]][command]["received"] / max(1, results[names[0]][command]["received"])
        verdict = "met" if ratio <= GOAL else "MISSED"
        print(f"{command[:28]:28} " + " ".join(cells) + f" {ratio:>6.2f}  {verdict} (bytes within {GOAL}x)")
    return rows


GOAL = 1.5


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", action="append", required=True, help="NAME=FILE.ttl (give two sizes)")
    options = parser.parse_args()
    compare([(part.split("=", 1)[0], Path(part.split("=", 1)[1])) for part in options.data])


if __name__ == "__main__":
    main()
