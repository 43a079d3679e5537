"""A query is bounded in time and memory, dies with sco-graph, and streams its rows.

The query runs in a forked child (see ``sco_graph.sandbox``): its memory is
capped, it is killed with its parent, and its rows reach the renderer in
batches, so neither a runaway query nor a million-row answer can exhaust the
machine.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from sco_graph.errors import ExitCode, UsageError
from sco_graph.graph import Graph
from sco_graph.sandbox import run_query
from sco_graph.sparql import MAX_QUERY_LENGTH, check_read_only, read_query
from sco_graph.store import QueryMemoryError, QueryTimeoutError
from tests.conftest import Invoke

SORT_A_CROSS_PRODUCT = "SELECT ?a ?d WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?c ?f LIMIT 1"
CROSS_PRODUCT = "SELECT ?a ?b ?c WHERE { ?a ?b ?c . ?d ?e ?f }"  # about 2.9 million rows
ENDLESS = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


def cli_process(*args: str, tmp_path: Path, **options: Any) -> subprocess.Popen[str]:
    """``python -m sco_graph ARGS`` with its own TMPDIR, to prove it leaves no file behind."""
    env = {**os.environ, "TMPDIR": str(tmp_path)}
    return subprocess.Popen([sys.executable, "-m", "sco_graph", *args], env=env, text=True, cwd=tmp_path, **options)


def one_error_line(stderr: str) -> str:
    assert "Traceback" not in stderr
    lines = stderr.splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith("sco-graph: error: ")
    return lines[0]


# ------------------------------------------------------------------ memory
def test_a_query_past_its_memory_cap_is_stopped_with_a_clean_error(graph: Graph) -> None:
    start = time.monotonic()
    with pytest.raises(QueryMemoryError, match=r"needed more than 64 MiB of memory and was stopped; .*--memory"):
        list(graph.store.run(SORT_A_CROSS_PRODUCT, 10, 20, memory_mib=64).rows)
    assert time.monotonic() - start < 10
    assert QueryMemoryError("").code == ExitCode.TIMEOUT


def test_the_same_query_runs_under_the_default_cap(graph: Graph) -> None:
    rows = list(graph.store.run(SORT_A_CROSS_PRODUCT.replace("ORDER BY ?c ?f", ""), 10, 20).rows)
    assert len(rows) == 1


def _dies(how: str) -> Any:
    def work(sender: Any, sandboxed: bool) -> None:
        del sender, sandboxed
        if how == "MemoryError":
            raise MemoryError
        if how == "SIGKILL":  # what the kernel's OOM killer does
            os.kill(os.getpid(), signal.SIGKILL)
        os.write(2, b"memory allocation of 1073741824 bytes failed\n")  # Rust's allocation failure, then abort
        os.abort()

    return work


@pytest.mark.parametrize("how", ["MemoryError", "SIGKILL", "SIGABRT"])
def test_every_way_of_running_out_of_memory_is_recognised(how: str) -> None:
    with pytest.raises(QueryMemoryError, match="needed more than 100 MiB"):
        run_query(_dies(how), 10, 10, 100)


def test_a_child_that_crashes_otherwise_is_a_clean_error_too() -> None:
    def crash(sender: Any, sandboxed: bool) -> None:
        del sender, sandboxed
        os.kill(os.getpid(), signal.SIGSEGV)

    with pytest.raises(QueryTimeoutError, match=r"ended without an answer \(signal SIGSEGV\)"):
        run_query(crash, 10, 10, 100)


def test_the_memory_limit_through_the_cli(cli: Invoke) -> None:
    result = cli("sparql", SORT_A_CROSS_PRODUCT, "--memory", "64")
    assert result.exit_code == ExitCode.TIMEOUT
    assert one_error_line(result.stderr) == (
        "sco-graph: error: the query needed more than 64 MiB of memory and was stopped; narrow it or raise --memory"
    )
    assert result.stdout == ""


# ------------------------------------------------------------------ time
def test_the_timeout_bounds_the_streaming_too(graph: Graph) -> None:
    rows = iter(graph.store.run(CROSS_PRODUCT, 1_000_000, 1.0).rows)
    next(rows)
    time.sleep(1.1)
    with pytest.raises(QueryTimeoutError, match="longer than 1 s"):
        for _ in rows:
            pass


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"  # a zombie has died; only its parent (now init) has yet to reap it


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux /proc")
def test_the_query_process_dies_with_sco_graph(tmp_path: Path) -> None:
    sco_graph = cli_process("sparql", ENDLESS, "--timeout", "120", tmp_path=tmp_path, stdout=subprocess.DEVNULL)
    children: list[int] = []
    try:
        deadline = time.monotonic() + 60
        while not (children := _children(sco_graph.pid)):
            assert sco_graph.poll() is None and time.monotonic() < deadline, "the query process never started"
            time.sleep(0.05)
        time.sleep(0.2)  # let it get into the query
        sco_graph.kill()
        sco_graph.wait()
        until = time.monotonic() + 2
        while any(_alive(child) for child in children) and time.monotonic() < until:
            time.sleep(0.02)
        assert not any(_alive(child) for child in children)
    finally:
        if sco_graph.poll() is None:
            sco_graph.kill()
            sco_graph.wait()
        for child in children:
            if _alive(child):
                os.kill(child, signal.SIGKILL)
    assert list(tmp_path.iterdir()) == []


def test_a_stream_left_unread_stops_its_query(graph: Graph) -> None:
    result = graph.store.run(CROSS_PRODUCT, 1_000_000, 30)
    rows = result.rows
    child = rows._child  # type: ignore[attr-defined]
    iterator = iter(rows)
    next(iterator)
    iterator.close()  # type: ignore[attr-defined]
    assert not _alive(child.pid)


# ------------------------------------------------------------------ streaming
def test_rows_stream_once_and_truncated_is_known_at_the_end(graph: Graph) -> None:
    result = graph.store.run(CROSS_PRODUCT, 2500, 30)
    assert result.streamed
    assert not result.truncated  # nothing read yet
    assert sum(1 for _ in result.rows) == 2500
    assert result.truncated
    with pytest.raises(RuntimeError, match="only once"):
        iter(result.rows)


def test_a_large_answer_keeps_the_parents_memory_flat(tmp_path: Path) -> None:
    script = (
        "import os, resource, sys\n"
        "from sco_graph import api\n"
        "from sco_graph.sparql import check_read_only\n"
        "from sco_graph.sparql_output import write_sparql\n"
        "graph = api.open_graph()\n"
        f"text = check_read_only({CROSS_PRODUCT!r})\n"
        "before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "result = graph.store.run(text, 100_000, 60)\n"
        "with open(os.devnull, 'w') as out:\n"
        "    write_sparql(result, 'json', out)\n"
        "after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "print(after - before, result.truncated)\n"
    )
    env = {**os.environ, "TMPDIR": str(tmp_path)}
    output = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, check=True)
    grown_kib, truncated = output.stdout.split()
    assert truncated == "True"
    assert int(grown_kib) < 30 * 1024  # holding 100,000 rows at once takes over 300 MiB
    assert list(tmp_path.iterdir()) == []


def test_a_streamed_json_answer_is_the_w3c_document(cli: Invoke) -> None:
    result = cli("sparql", CROSS_PRODUCT, "--limit", "3000", "--format", "json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["head"] == {"vars": ["a", "b", "c"]}
    assert len(data["results"]["bindings"]) == 3000
    assert set(data) == {"head", "results"}  # exactly the W3C document: the cut is reported on stderr
    assert "warning: results cut at 3000 rows" in result.stderr


# ------------------------------------------------------------------ the query file
@pytest.mark.parametrize("source", ["/dev/zero", "huge"])
def test_a_bottomless_or_huge_query_file_is_refused_at_once(tmp_path: Path, source: str) -> None:
    path = Path(source)
    if source == "huge":
        path = tmp_path / "huge.rq"
        path.write_text("#" * (10 * MAX_QUERY_LENGTH), encoding="utf-8")
    start = time.monotonic()
    with pytest.raises(UsageError, match=f"longer than {MAX_QUERY_LENGTH} characters"):
        read_query(path)
    assert time.monotonic() - start < 2


def test_dev_zero_through_the_cli_exits_2_with_one_line(tmp_path: Path) -> None:
    sco_graph = cli_process(
        "sparql", "--file", "/dev/zero", tmp_path=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    stdout, stderr = sco_graph.communicate(timeout=30)
    assert sco_graph.returncode == ExitCode.USAGE
    assert one_error_line(stderr) == f"sco-graph: error: the SPARQL query is longer than {MAX_QUERY_LENGTH} characters"
    assert stdout == ""
    assert list(tmp_path.iterdir()) == []


def test_a_query_file_with_crlf_line_ends_reads_as_lf(tmp_path: Path) -> None:
    path = tmp_path / "q.rq"
    path.write_bytes(b"SELECT * WHERE {\r\n  ?s ?p ?o # comment\r\n} LIMIT 1\r\n")
    text = read_query(path)
    assert "\r" not in text
    assert check_read_only(text) == text
