"""Time whole sco-graph processes on the bundled data against the import floor.

The floor is `python -c "import typer, rich.table"`: no Typer CLI can answer
faster. Each figure is the median wall time of several runs, with output piped
as a script would read it; the ratio to the floor is what the project targets.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

RUNS = 11
BIN = Path(sys.executable).parent
COMMANDS = [
    ["who-met", "Zhang", "Ming"],
    ["show", "Zhang", "Ming"],
    ["neighbours", "Zhang", "Ming"],
    ["timeline", "CSTO"],
    ["members", "SCO", "--as-of", "2016-06-01"],
    ["path", "Terhi Hakala", "Sadyr Japarov"],
]


def wall(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, capture_output=True, check=True)
    return time.perf_counter() - start


def main() -> None:
    floor_command = [sys.executable, "-c", "import typer, rich.table"]
    wall([str(BIN / "sco-graph"), "stats"])  # compile the cache first
    print(f"{'command':45} {'median':>9} {'floor':>9} {'ratio':>6}")
    for args in COMMANDS:
        ours, floors = [], []
        for _ in range(RUNS):  # interleave, so machine noise hits both alike
            ours.append(wall([str(BIN / "sco-graph"), *args]))
            floors.append(wall(floor_command))
        median, floor = statistics.median(ours), statistics.median(floors)
        label = "sco-graph " + " ".join(args)
        print(f"{label:45} {median * 1000:7.0f}ms {floor * 1000:7.0f}ms {median / floor:6.2f}")


if __name__ == "__main__":
    main()
