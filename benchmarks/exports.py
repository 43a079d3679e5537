"""Benchmark whole `sco-graph export` processes on one data file against `oxigraph convert`.

    python benchmarks/exports.py --data /tmp/bench-data/1m.ttl
    python benchmarks/exports.py --data /tmp/bench-data/1m.ttl --runs 5 --network-runs 2

The data file is exported alone (`--no-bundled`), so both tools handle the same
triples. Cases, each a whole process with its output written to a file:
- N-Triples and Turtle, first export: the compiled store is read, the export made
  and kept beside it (kept exports are removed before each run);
- N-Triples and Turtle: the kept export is checked and copied, as on every later
  export of the same data; beside `oxigraph convert` of the same file to the same
  format, runs interleaved;
- GraphML and GEXF: the entity graph, against the peak-memory goal.
Times are medians; peaks are the largest resident set of any run (ru_maxrss).
Goals: N-Triples and Turtle within 2x `oxigraph convert` and 256 MiB, GraphML
and GEXF within 512 MiB.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

TIME_GOAL = 2.0  # times `oxigraph convert`
RDF_PEAK_GOAL = 256  # MiB
NETWORK_PEAK_GOAL = 512  # MiB
SUFFIX = {"ntriples": "nt", "turtle": "ttl", "graphml": "graphml", "gexf": "gexf"}


def export_rows(data: Path, folder: Path, runs: int, network_runs: int = 1) -> list[dict[str, object]]:
    """Wall time and peak memory of exports of ``data``, each beside its reference and goal."""
    from run import OXIGRAPH, SCO, run

    name = data.stem
    cache = folder / f"cache-exports-{name}"
    env = {**os.environ, "SCO_GRAPH_CACHE": str(cache)}
    base = [SCO, "--no-bundled", "--data", str(data)]
    run([*base, "sparql", "SELECT ?s WHERE { ?s ?p ?o } LIMIT 1"], env)  # compile the store once
    rows: list[dict[str, object]] = []

    def export(fmt: str) -> list[str]:
        return [*base, "export", "--format", fmt, "--output", str(folder / f"out.{SUFFIX[fmt]}"), "--force"]

    def convert(fmt: str) -> list[str]:
        return [OXIGRAPH, "convert", "--from-file", str(data), "--to-file", str(folder / f"reference.{SUFFIX[fmt]}")]

    def forget_kept() -> None:
        for kept in cache.glob("*/exports"):
            shutil.rmtree(kept)

    for fmt in ("ntriples", "turtle"):
        measured = interleaved(export(fmt), env, convert(fmt), runs, forget_kept)
        rows.append(_row(name, f"export {fmt} (first)", *measured))
        run(export(fmt), env)  # keep it
        rows.append(_row(name, f"export {fmt}", *interleaved(export(fmt), env, convert(fmt), runs)))
    for fmt in ("graphml", "gexf"):
        measured = [run(export(fmt), env) for _ in range(network_runs)]
        walls, peaks = [wall for wall, _ in measured], [peak for _, peak in measured]
        rows.append({"dataset": name, "command": f"export {fmt}", "seconds": statistics.median(walls),
                     "peak_mib": max(peaks), "reference": "peak goal", "reference_seconds": None,
                     "reference_mib": NETWORK_PEAK_GOAL, "ratio": None,
                     "goal_met": max(peaks) <= NETWORK_PEAK_GOAL})  # fmt: skip
    return rows


Measured = tuple[list[float], list[float], list[float], list[float]]


def interleaved(
    command: list[str], env: dict[str, str], reference: list[str], runs: int, before: Callable[[], None] | None = None
) -> Measured:
    """Wall times and peaks of ``command`` and of ``reference``, run in turns (``before`` before each of ours)."""
    from run import run

    walls, peaks, references, reference_peaks = [], [], [], []
    for _ in range(runs):
        if before is not None:
            before()
        wall, peak = run(command, env)
        walls.append(wall)
        peaks.append(peak)
        wall, peak = run(reference)
        references.append(wall)
        reference_peaks.append(peak)
    return walls, peaks, references, reference_peaks


def _row(name: str, command: str, *measured: list[float]) -> dict[str, object]:
    walls, peaks, references, reference_peaks = measured
    seconds, reference = statistics.median(walls), statistics.median(references)
    return {"dataset": name, "command": command, "seconds": seconds, "peak_mib": max(peaks),
            "reference": "oxigraph convert", "reference_seconds": reference, "reference_mib": max(reference_peaks),
            "ratio": seconds / reference,
            "goal_met": seconds <= TIME_GOAL * reference and max(peaks) <= RDF_PEAK_GOAL}  # fmt: skip


def table(rows: list[dict[str, object]]) -> str:
    lines = [f"{'dataset':8} {'command':24} {'seconds':>8} {'peak MiB':>9}  {'reference':17} {'seconds':>8} "
             f"{'peak MiB':>9} {'ratio':>6}  goal"]  # fmt: skip
    for row in rows:
        reference_seconds, ratio = row["reference_seconds"], row["ratio"]
        seconds_text = f"{reference_seconds:8.2f}" if isinstance(reference_seconds, float) else f"{'-':>8}"
        ratio_text = f"{ratio:5.2f}x" if isinstance(ratio, float) else f"{'-':>6}"
        goal = "met" if row["goal_met"] else "missed"
        lines.append(
            f"{row['dataset']!s:8} {row['command']!s:24} {row['seconds']:8.2f} {row['peak_mib']:9.0f}  "
            f"{row['reference']!s:17} {seconds_text} {row['reference_mib']:9.0f} {ratio_text}  {goal}"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, required=True, help="a Turtle file (benchmarks/generate.py makes them)")
    parser.add_argument("--runs", type=int, default=3, help="runs of each N-Triples and Turtle case")
    parser.add_argument("--network-runs", type=int, default=1, help="runs of each GraphML and GEXF export")
    parser.add_argument("--json", type=Path, help="also write the rows to this file")
    arguments = parser.parse_args()
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}, {time.strftime('%Y-%m-%d')}")
    print(f"goals: N-Triples and Turtle within {TIME_GOAL:g}x oxigraph convert and {RDF_PEAK_GOAL} MiB; "
          f"GraphML and GEXF within {NETWORK_PEAK_GOAL} MiB")  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="sco-graph-bench-exports-") as folder:
        rows = export_rows(arguments.data.resolve(), Path(folder), arguments.runs, arguments.network_runs)
    print(table(rows))
    if arguments.json:
        arguments.json.write_text(json.dumps(rows, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
