"""Benchmark validation and the first compile of large data, as whole processes, beside their references.

    python benchmarks/scale.py --data /tmp/bench-data/1m.ttl
    python benchmarks/scale.py --data big.ttl --runs 5 --only compile --json figures.json

Each row gives the median wall time and the peak memory of whole processes:
- ``validate``: ``sco-graph validate FILE``, beside the figure measured before
  validation ran inside the store (pySHACL over an rdflib copy of the data);
- ``compile``: what compiling costs a process, beside ``oxigraph load`` of the same
  file into a new folder, run interleaved with it: the first run of
  ``sco-graph --no-bundled --data FILE sparql "ASK { }"`` with an empty, private
  cache folder (it compiles the store and the name index, then asks), minus the
  same command run again (it only asks), plus the floor (an interpreter importing
  typer and rich, which every sco-graph process pays).
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
from pathlib import Path

try:
    from run import FLOOR, OXIGRAPH, SCO, run  # run as a script: benchmarks/ is on the path
except ImportError:
    from benchmarks.run import FLOOR, OXIGRAPH, SCO, run

# Goals: validation within 30 s and 1 GiB on a million triples; the first compile within 1.3x `oxigraph load`.
VALIDATE_SECONDS = 30.0
VALIDATE_MIB = 1024.0
COMPILE_RATIO = 1.3
# `sco-graph validate` before it checked shapes inside the store (pySHACL over an rdflib graph): seconds and
# peak MiB on this machine, by dataset (generate.py's 100k and 1M triples).
PREVIOUS_VALIDATE = {"100k": (10.4, 291.0), "1m": (110.0, 2458.0), "synthetic-100000": (10.4, 291.0),
                     "synthetic-1000000": (110.0, 2458.0)}  # fmt: skip


def label(data: Path) -> str:
    return data.stem


def validate_rows(data: Path, folder: Path, runs: int) -> list[dict[str, object]]:
    """``sco-graph validate DATA``: median seconds and peak MiB over ``runs`` processes."""
    env = {**os.environ, "SCO_GRAPH_CACHE": str(folder / "validate-cache")}
    walls, peaks = [], []
    for _ in range(runs):
        wall, peak = run([SCO, "validate", str(data)], env)
        walls.append(wall)
        peaks.append(peak)
    reference_seconds, reference_mib = PREVIOUS_VALIDATE.get(label(data), (None, None))
    return [{"dataset": label(data), "command": "validate", "seconds": statistics.median(walls),
             "peak_mib": max(peaks), "reference": "sco-graph validate before (pySHACL over rdflib)",
             "reference_seconds": reference_seconds, "reference_mib": reference_mib}]  # fmt: skip


def compile_rows(data: Path, folder: Path, runs: int) -> list[dict[str, object]]:
    """The compile's cost on ``data``, and ``oxigraph load`` of it, interleaved ``runs`` times.

    Each round runs one sco-graph process with an empty private cache (the first run:
    it compiles, then answers), the same process again (it answers from the compiled
    store) and the floor, an interpreter importing typer and rich. The compile's cost
    is first run - second run + floor: the wall time of a process that only compiles.
    """
    command = [SCO, "--no-bundled", "--data", str(data), "sparql", "ASK { }"]
    firsts, seconds, floors, peaks, theirs, their_peaks = [], [], [], [], [], []
    for index in range(runs):
        cache = folder / f"compile-cache-{index}"
        env = {**os.environ, "SCO_GRAPH_CACHE": str(cache), "XDG_CACHE_HOME": str(folder / "xdg")}
        wall, peak = run(command, env)
        firsts.append(wall)
        peaks.append(peak)
        seconds.append(run(command, env)[0])
        floors.append(run(FLOOR)[0])
        shutil.rmtree(cache, ignore_errors=True)
        database = folder / f"oxigraph-{index}"
        wall, peak = run([OXIGRAPH, "load", "--location", str(database), "--file", str(data)])
        theirs.append(wall)
        their_peaks.append(peak)
        shutil.rmtree(database, ignore_errors=True)
    compile_seconds = [first - second + floor for first, second, floor in zip(firsts, seconds, floors, strict=True)]
    return [{"dataset": label(data), "command": "compile", "seconds": statistics.median(compile_seconds),
             "peak_mib": max(peaks), "reference": "oxigraph load",
             "reference_seconds": statistics.median(theirs), "reference_mib": max(their_peaks),
             "first_run_seconds": statistics.median(firsts), "warm_run_seconds": statistics.median(seconds),
             "floor_seconds": statistics.median(floors)}]  # fmt: skip


def verdicts(rows: list[dict[str, object]]) -> list[str]:
    lines = []
    for row in rows:
        seconds, peak = float(row["seconds"]), float(row["peak_mib"])  # type: ignore[arg-type]
        if row["command"] == "validate":
            met = seconds <= VALIDATE_SECONDS and peak <= VALIDATE_MIB
            goal = f"goal {VALIDATE_SECONDS:.0f} s and {VALIDATE_MIB:.0f} MiB on 1M"
            lines.append(
                f"validate {row['dataset']}: {seconds:.1f} s, {peak:.0f} MiB ({goal}): {'met' if met else 'MISSED'}"
            )
        else:
            ratio = seconds / float(row["reference_seconds"])  # type: ignore[arg-type]
            lines.append(f"compile {row['dataset']}: {ratio:.2f}x oxigraph load (goal {COMPILE_RATIO}x): "
                         f"{'met' if ratio <= COMPILE_RATIO else 'MISSED'}")  # fmt: skip
    return lines


def show(rows: list[dict[str, object]]) -> None:
    print(
        f"{'dataset':8} {'command':9} {'seconds':>8} {'peak MiB':>9}  {'reference':48} {'seconds':>8} {'peak MiB':>9}"
    )
    for row in rows:
        reference_seconds, reference_mib = row["reference_seconds"], row["reference_mib"]
        theirs = f"{reference_seconds:8.2f} {reference_mib:9.0f}" if reference_seconds else f"{'n/a':>8} {'n/a':>9}"
        print(f"{row['dataset']!s:8} {row['command']!s:9} {row['seconds']:8.2f} {row['peak_mib']:9.0f}  "
              f"{row['reference']!s:48} {theirs}")  # fmt: skip
        if "first_run_seconds" in row:
            print(f"{'':8} {'':9} (first run {row['first_run_seconds']:.2f} s, the same run warm "
                  f"{row['warm_run_seconds']:.2f} s, floor {row['floor_seconds']:.2f} s)")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True, help="a Turtle file (benchmarks/generate.py writes one)")
    parser.add_argument("--runs", type=int, default=3, help="runs per measurement (the median is reported)")
    parser.add_argument("--only", nargs="+", choices=["validate", "compile"], default=["validate", "compile"])
    parser.add_argument("--json", type=Path, help="also write the rows to this file")
    arguments = parser.parse_args()
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}, {time.strftime('%Y-%m-%d')}, "
          f"data: {arguments.data}")  # fmt: skip
    rows: list[dict[str, object]] = []
    with tempfile.TemporaryDirectory(prefix="sco-graph-scale-") as folder:
        if "compile" in arguments.only:
            rows.extend(compile_rows(arguments.data, Path(folder), arguments.runs))
        if "validate" in arguments.only:
            rows.extend(validate_rows(arguments.data, Path(folder), arguments.runs))
    show(rows)
    print("\n" + "\n".join(verdicts(rows)))
    if arguments.json:
        arguments.json.write_text(json.dumps(rows, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
