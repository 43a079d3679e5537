"""Benchmark whole `sco-graph stats` processes on one data file against the floor.

    python benchmarks/stats_bench.py --data /tmp/bench-data/1m.ttl
    python benchmarks/stats_bench.py --data /tmp/bench-data/1m.ttl --runs 3

The data file is added to the bundled dataset, as `sco-graph --data FILE stats`
does. Three cases, each a whole process with its output discarded:
- first run: a new cache folder, so the run compiles the store, builds the path
  index and computes the ranking (run once: it costs a compile);
- ranking computed: the store and path index are kept but the ranking is not
  (its file is removed before each run), so betweenness is computed again;
- warm: everything kept, as on every later run.
Times are medians, with the floor (`python -c "import typer, rich.table"`)
measured in the same runs, interleaved. The target is warm runs within 20x
the floor.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

WARM_TARGET = 20.0  # times the floor


def stats_rows(data: Path, folder: Path, runs: int) -> list[dict[str, object]]:
    """Median wall time, floor and peak memory of `stats` on ``data``: first run, ranking computed, warm."""
    from run import FLOOR, SCO, median_of, run

    name = data.stem
    env = {**os.environ, "SCO_GRAPH_CACHE": str(folder / f"cache-stats-{name}")}
    command = [SCO, "--data", str(data), "stats", "--format", "json"]
    rows: list[dict[str, object]] = []

    def row(case: str, seconds: float, floor: float, peak: float) -> None:
        rows.append({"dataset": name, "command": f"stats ({case})", "seconds": seconds, "floor": floor,
                     "ratio": seconds / floor, "peak_mib": peak})  # fmt: skip

    first, peak = run(command, env)
    row("first run", first, run(FLOOR)[0], peak)
    kept = list(Path(env["SCO_GRAPH_CACHE"]).glob("*/centrality.json"))
    computed, floors, peaks = [], [], []
    for _ in range(runs):
        for path in kept:
            path.unlink(missing_ok=True)
        wall, peak = run(command, env)
        computed.append(wall)
        peaks.append(peak)
        floors.append(run(FLOOR)[0])
    row("ranking computed", statistics.median(computed), statistics.median(floors), max(peaks))
    row("warm", *median_of(command, runs, env))
    return rows


def verdict(rows: list[dict[str, object]]) -> str:
    warm = next(row for row in rows if row["command"] == "stats (warm)")
    ratio = float(warm["ratio"])  # type: ignore[arg-type]
    met = "met" if ratio <= WARM_TARGET else "MISSED"
    return f"stats on {warm['dataset']}, warm: {ratio:.1f}x the floor (target {WARM_TARGET:.0f}x): {met}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True, help="a Turtle file (benchmarks/generate.py writes one)")
    parser.add_argument("--runs", type=int, default=5, help="runs per measurement (the median is reported)")
    arguments = parser.parse_args()
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}, {time.strftime('%Y-%m-%d')}")
    with tempfile.TemporaryDirectory(prefix="sco-graph-stats-bench-") as folder:
        rows = stats_rows(arguments.data.resolve(), Path(folder), arguments.runs)
    print(f"{'command':26} {'sco-graph':>10} {'floor':>8} {'ratio':>7} {'peak MiB':>9}")
    for row in rows:
        seconds, floor, ratio, peak = (float(row[key]) for key in ("seconds", "floor", "ratio", "peak_mib"))  # type: ignore[arg-type]
        print(f"{row['command']!s:26} {seconds:9.3f}s {floor:7.3f}s {ratio:6.1f}x {peak:9.0f}")
    print(verdict(rows))


if __name__ == "__main__":
    main()
