"""Benchmark whole sco-graph processes against the floor, a naive rdflib script and Oxigraph's CLI.

    python benchmarks/run.py                      # bundled data, 10k, 100k and 1M triples
    python benchmarks/run.py --sizes bundled 10000 --runs 5
    python benchmarks/run.py --sizes 100000 1000000 --commands none --naive-runs 0   # the large-data rows only

On the synthetic sizes of 100k triples and more it then measures, beside their
references (``--extras`` chooses): ``endpoint`` (every command against an
Oxigraph server holding the data: requests, bytes received, time; the bytes
compared between the two largest sizes, see ``remote.py``), ``export``
(N-Triples, Turtle, GraphML, GEXF against ``oxigraph convert``, ``exports.py``),
``stats`` (first, recomputed and warm runs against the floor, ``stats_bench.py``),
``validate`` (against the previous figures) and ``compile`` (against
``oxigraph load``, ``scale.py``).

For every dataset it reports the first-time compile (wall time, triples per
second), then for each command the median wall time and peak memory of whole
processes, beside: (a) the floor, `python -c "import typer, rich.table"`;
(b) a naive script that parses the same data with rdflib and runs the
equivalent SPARQL query; (c) `oxigraph query` on a store holding the same data.
Ratios are to the floor, measured in the same run with runs interleaved.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent
SCO = str(BIN / "sco-graph")
OXIGRAPH = shutil.which("oxigraph") or str(BIN / "oxigraph")
FLOOR = [sys.executable, "-c", "import typer, rich.table"]
TARGETS = {"lookup_bundled": 1.5, "lookup_1m": 2.0, "path_1m_seconds": 1.0, "compile_triples_per_s": 150_000,
           "peak_1m_mib": 1024}  # fmt: skip
LOOKUPS = ("who-met", "show", "neighbours", "timeline")

NAIVE = """
import sys, rdflib
graph = rdflib.Graph()
for path in sys.argv[2:]:
    graph.parse(path, format="turtle")
if sys.argv[1] == "export":
    sys.stdout.write(graph.serialize(format="turtle"))
else:
    answer = graph.query(sys.argv[1])
    if answer.type == "ASK":
        print(answer.askAnswer)
    else:
        for row in answer:
            print(*row)
"""


def run(command: list[str], env: dict[str, str] | None = None, must: bool = True) -> tuple[float, float]:
    """Wall seconds and peak resident MiB of one whole process (output discarded); NaN when it fails."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        if must:
            raise SystemExit(f"benchmark command failed: {' '.join(command[:4])} ...")
        return float("nan"), usage.ru_maxrss / 1024
    return wall, usage.ru_maxrss / 1024


def median_of(command: list[str], runs: int, env: dict[str, str] | None = None) -> tuple[float, float, float]:
    """Median wall of ``command``, the floor's median over the same interleaved runs, and peak MiB."""
    ours, floors, peaks = [], [], []
    for _ in range(runs):
        wall, peak = run(command, env)
        ours.append(wall)
        peaks.append(peak)
        floors.append(run(FLOOR)[0])
    return statistics.median(ours), statistics.median(floors), max(peaks)


def equivalent_sparql(command: str, iri: str, other: str) -> str:
    """The SPARQL a script would run for the same question (for the naive and Oxigraph columns)."""
    sco = "https://w3id.org/sco-graph/def#"
    label = "http://www.w3.org/2000/01/rdf-schema#label"
    return {
        "who-met": f"SELECT ?name ?date WHERE {{ ?m a <{sco}Meeting> ; <{sco}participant> <{iri}>, ?o . "
        f"FILTER(?o != <{iri}>) ?o <{label}> ?name . OPTIONAL {{ ?m <{sco}date> ?date }} }} ORDER BY ?date",
        "show": f"SELECT ?p ?o WHERE {{ {{ <{iri}> ?p ?o }} UNION {{ ?o ?p <{iri}> }} }}",
        "neighbours": f"SELECT DISTINCT ?n ?p WHERE {{ ?x ?p <{iri}> . ?x ?q ?n . "
        f"FILTER(isIRI(?n) && ?n != <{iri}>) }}",
        "timeline": f"SELECT ?e ?date WHERE {{ ?e ?p <{iri}> ; <{sco}date> ?date }} ORDER BY ?date",
        "path": f"ASK {{ <{iri}> (^<{sco}participant>/<{sco}participant>)+ <{other}> }}",
    }.get(command, "")


def iri_of(name: str, data: list[str]) -> str:
    output = subprocess.run([SCO, *data, "show", name, "--format", "json"], capture_output=True, text=True, check=True)
    return str(json.loads(output.stdout)["entity"]["iri"])


def dataset(size: str, folder: Path) -> tuple[list[str], list[Path], list[str], int]:
    """The CLI data options, the Turtle files, sample names and the triple count of one dataset."""
    if size == "bundled":
        import pyoxigraph

        from sco_graph.load import bundled_files

        files = bundled_files()
        triples = sum(sum(1 for _ in pyoxigraph.parse(path=str(file), base_iri=file.as_uri())) for file in files)
        return [], files, ["Zhang Ming", "Terhi Hakala", "CSTO"], triples
    count = int(size)
    path = folder / f"synthetic-{count}.ttl"
    output = subprocess.run(
        [sys.executable, str(HERE / "generate.py"), "--triples", str(count), "--output", str(path)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    samples = json.loads(output.stdout.strip().splitlines()[-1])["samples"]
    return ["--no-bundled", "--data", str(path)], [path], samples, count


def bench(size: str, runs: int, folder: Path, naive_runs: int, only: list[str]) -> list[dict[str, object]]:
    data, files, samples, triples = dataset(size, folder)
    env = {**os.environ, "SCO_GRAPH_CACHE": str(folder / f"cache-{size}")}
    first, peak = run([SCO, *data, "who-met", samples[0]], env)
    rate = triples / first if triples else 0
    print(f"\n== {size}: first run (compile + who-met) {first:.2f} s" + (f", {rate:,.0f} triples/s" if rate else "") +
          f", peak {peak:.0f} MiB")  # fmt: skip
    run([SCO, *data, "path", samples[0], samples[1]], env)  # builds the path index once
    database = folder / f"oxigraph-{size}"
    loads = [argument for file in files for argument in ("--file", str(file))]
    subprocess.run([OXIGRAPH, "load", "--location", str(database), *loads], check=True, capture_output=True)
    iri, other = iri_of(samples[0], data), iri_of(samples[1], data)
    commands = {
        "who-met": ["who-met", samples[0]],
        "show": ["show", samples[0]],
        "neighbours": ["neighbours", samples[0]],
        "timeline": ["timeline", samples[0]],
        "path": ["path", samples[0], samples[1]],
        "export": ["export", "--format", "turtle"],
    }
    results: list[dict[str, object]] = [{"dataset": size, "command": "compile", "seconds": first, "peak_mib": peak,
                                         "triples_per_s": rate}]  # fmt: skip
    print(f"{'command':12} {'sco-graph':>10} {'floor':>8} {'ratio':>6} {'naive':>9} {'ratio':>7} {'oxigraph':>9} "
          f"{'ratio':>6} {'peak MiB':>9}")  # fmt: skip
    for name, args in commands.items():
        if only and name not in only:
            continue
        median, floor, peak = median_of([SCO, *data, *args], runs, env)
        query = equivalent_sparql(name, iri, other)
        naive_args = [sys.executable, "-c", NAIVE, "export" if name == "export" else query, *map(str, files)]
        naive = None
        if naive_runs and (query or name == "export"):
            naive = statistics.median(run(naive_args, must=False)[0] for _ in range(naive_runs))
        oxigraph = None
        if query:
            oxi = [OXIGRAPH, "query", "--location", str(database), "--query", query, "--results-format", "tsv"]
            oxigraph = statistics.median(run(oxi, must=False)[0] for _ in range(runs))
        results.append({"dataset": size, "command": name, "seconds": median, "floor": floor, "ratio": median / floor,
                        "naive": naive, "oxigraph": oxigraph, "peak_mib": peak})  # fmt: skip
        naive_text = f"{naive:8.2f}s {naive / floor:6.1f}x" if naive else f"{'n/a':>9} {'':>7}"
        naive_text = naive_text if naive is None or naive == naive else f"{'failed':>9} {'':>7}"
        oxi_text = f"{oxigraph:8.3f}s {oxigraph / floor:5.1f}x" if oxigraph else f"{'n/a':>9} {'':>6}"
        print(f"{name:12} {median:9.3f}s {floor:7.3f}s {median / floor:5.2f}x {naive_text} {oxi_text} {peak:9.0f}")
    return results


def verdicts(results: list[dict[str, object]]) -> list[str]:
    lines = []
    for row in results:
        size, command = row["dataset"], row["command"]
        if command in LOOKUPS and size in ("bundled", "1000000"):
            limit = TARGETS["lookup_bundled" if size == "bundled" else "lookup_1m"]
            ratio = float(row["ratio"])  # type: ignore[arg-type]
            verdict = "met" if ratio <= limit else "MISSED"
            lines.append(f"{command} on {size}: {ratio:.2f}x the floor (target {limit}x): {verdict}")
        if command == "path" and size == "1000000":
            seconds = float(row["seconds"])  # type: ignore[arg-type]
            lines.append(f"path on 1M: {seconds:.2f} s (target 1 s): {'met' if seconds <= 1 else 'MISSED'}")
        if command == "compile" and size == "1000000":
            rate = float(row["triples_per_s"])  # type: ignore[arg-type]
            lines.append(
                f"compile on 1M: {rate:,.0f} triples/s (target 150,000): {'met' if rate >= 150_000 else 'MISSED'}"
            )
        if size == "1000000" and command != "export":
            peak = float(row["peak_mib"])  # type: ignore[arg-type]
            if peak > TARGETS["peak_1m_mib"]:
                lines.append(f"{command} on 1M: peak {peak:.0f} MiB (target 1024 MiB): MISSED")
    return lines


EXTRAS = ("endpoint", "export", "stats", "validate", "compile")


def extras(files: list[Path], chosen: list[str], folder: Path, runs: int) -> list[dict[str, object]]:
    """The large-data rows beside their references (see the module's docstring)."""
    import exports
    import remote
    import scale
    import stats_bench

    rows: list[dict[str, object]] = []
    for data in files:
        if "export" in chosen:
            found = exports.export_rows(data, folder, runs)
            print(f"\n== exports of {data.stem}\n" + exports.table(found))
            rows += found
        if "stats" in chosen:
            found = stats_bench.stats_rows(data, folder, runs)
            print(f"\n== stats on {data.stem}: " + stats_bench.verdict(found))
            rows += found
        for name in ("validate", "compile"):
            if name in chosen:
                found = getattr(scale, f"{name}_rows")(data, folder, runs)
                print(f"\n== {name} {data.stem}")
                scale.show(found)
                print("\n".join(scale.verdicts(found)))
                rows += found
    if "endpoint" in chosen and len(files) >= 2:
        print("\n== on an Oxigraph endpoint")
        rows += remote.compare([(data.stem, data) for data in files[-2:]])
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="+", default=["bundled", "10000", "100000", "1000000"])
    parser.add_argument("--runs", type=int, default=7, help="runs per measurement (the median is reported)")
    parser.add_argument("--naive-runs", type=int, default=1, help="runs of the naive rdflib script (0: skip it)")
    parser.add_argument("--commands", nargs="+", default=[], help="only these commands (default: all)")
    parser.add_argument("--extras", nargs="*", default=list(EXTRAS), help=f"large-data rows: {', '.join(EXTRAS)}")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    arguments = parser.parse_args()
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}, {time.strftime('%Y-%m-%d')}")
    results: list[dict[str, object]] = []
    with tempfile.TemporaryDirectory(prefix="sco-graph-bench-") as folder:
        for size in arguments.sizes:
            results.extend(bench(size, arguments.runs, Path(folder), arguments.naive_runs, arguments.commands))
        large = [
            Path(folder) / f"synthetic-{size}.ttl"
            for size in arguments.sizes
            if size.isdigit() and int(size) >= 100_000
        ]
        results.extend(extras(large, arguments.extras, Path(folder), arguments.runs))
    print("\n" + "\n".join(verdicts(results)))
    if arguments.json:
        arguments.json.write_text(json.dumps(results, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
