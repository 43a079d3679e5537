"""Signals: SIGTERM, SIGHUP and Ctrl-C at any moment leave no temporary file, no partial output, a clean line."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from sco_graph.errors import ExitCode

from .hostile import assert_one_clean_line

GENERATOR = Path(__file__).resolve().parents[2] / "benchmarks" / "generate.py"
EXPECTED = {signal.SIGTERM: ExitCode.TERMINATED, signal.SIGHUP: ExitCode.HANGUP, signal.SIGINT: ExitCode.INTERRUPTED}


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """About 60,000 triples: an export of them takes about a second, long enough to be interrupted."""
    output = tmp_path_factory.mktemp("synthetic") / "synthetic.ttl"
    subprocess.run([sys.executable, str(GENERATOR), "--triples", "60000", "--output", str(output)],
                   check=True, capture_output=True)  # fmt: skip
    return output


def start(cache: Path, *args: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, "SCO_GRAPH_CACHE": str(cache)}
    return subprocess.Popen([sys.executable, "-m", "sco_graph", *args], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)  # fmt: skip


def catches(process: subprocess.Popen[bytes], number: signal.Signals = signal.SIGTERM) -> bool:
    """Whether the process has installed its handler for ``number`` (Linux's SigCgt mask in /proc).

    sco-graph installs its SIGINT, SIGTERM and SIGHUP handlers together; Python's own SIGINT handler is
    there from the start, so SIGTERM's tells when sco-graph's are in place.
    """
    try:
        status = Path(f"/proc/{process.pid}/status").read_text(encoding="ascii")
    except OSError:
        return True  # already gone
    caught = next(line.split()[1] for line in status.splitlines() if line.startswith("SigCgt:"))
    return bool(int(caught, 16) >> (number - 1) & 1)


def interrupt_all(runs: list[tuple[subprocess.Popen[bytes], float, signal.Signals]]) -> None:
    """Signal each run ``delay`` seconds after all have started up (before that, a signal just kills Python)."""
    deadline = time.monotonic() + 30
    while not all(catches(process) for process, _, _ in runs) and time.monotonic() < deadline:
        time.sleep(0.005)
    began = time.monotonic()
    for process, delay, number in sorted(runs, key=lambda run: run[1]):
        time.sleep(max(0.0, began + delay - time.monotonic()))
        if process.poll() is None:
            process.send_signal(number)


def check_outcome(process: subprocess.Popen[bytes], number: signal.Signals) -> bool:
    """Check how a signalled run ended; True when it had finished its work (its output must then be whole).

    A signal that arrives once the work is done and the handlers are gone ends the process the
    default way (a negative return code); a signal during the work unwinds it to one clean line.
    """
    _, stderr = process.communicate(timeout=60)
    if process.returncode in (ExitCode.OK, -number):
        assert b"error" not in stderr and b"Traceback" not in stderr, stderr
        return True
    assert process.returncode == EXPECTED[number], stderr
    assert assert_one_clean_line(stderr).endswith(("stopped by " + number.name, "interrupted"))
    return False


DELAYS = [0.3, 0.6, 0.9, 1.2]


def test_signals_during_an_export_leave_no_temporary_and_no_partial_file(synthetic: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    warm = start(cache, "--no-bundled", "--data", str(synthetic), "stats")
    assert warm.wait(timeout=120) == ExitCode.OK
    numbers = [signal.SIGTERM, signal.SIGHUP, signal.SIGINT, signal.SIGTERM]
    runs = []
    for number, delay in zip(numbers, DELAYS, strict=True):
        out = tmp_path / f"out-{delay}"
        out.mkdir()
        runs.append((start(cache, "--no-bundled", "--data", str(synthetic), "export", "-o", str(out / "all.nt")),
                     delay, number))  # fmt: skip
    interrupt_all(runs)
    for (process, delay, number), _ in zip(runs, DELAYS, strict=True):
        finished = check_outcome(process, number)
        written = list((tmp_path / f"out-{delay}").iterdir())
        if finished:
            assert [path.name for path in written] == ["all.nt"]
            assert written[0].read_bytes().endswith(b" .\n")
        else:
            assert written == [], f"left behind after {number.name}: {written}"


def test_sigterm_during_a_compile_leaves_no_half_built_store(synthetic: Path, tmp_path: Path) -> None:
    runs = []
    for delay in DELAYS[:3]:
        cache = tmp_path / f"cache-{delay}"
        runs.append((start(cache, "--no-bundled", "--data", str(synthetic), "stats"), delay, signal.SIGTERM))
    interrupt_all(runs)
    for process, delay, number in runs:
        check_outcome(process, number)
        cache = tmp_path / f"cache-{delay}"
        leftovers = [path.name for path in cache.iterdir() if path.name.startswith(".")] if cache.exists() else []
        assert not [name for name in leftovers if name.startswith((".build", ".index-", ".trash"))], leftovers
