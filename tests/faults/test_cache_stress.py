"""The cache under stress: clears during runs, killed builds, and damaged entries of every kind."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from sco_graph import api, cache, queries
from sco_graph.errors import ExitCode, StorageError

from .test_cache_safety import clean, run

QUERY = ("who-met", "Zhang", "Ming", "--format", "json")


def entries(root: Path) -> list[Path]:
    return sorted(child for child in root.iterdir() if cache.KEY.fullmatch(child.name))


def leftovers(root: Path) -> list[str]:
    """Temporary files and folders that only a failed or killed run would leave."""
    return sorted(p.name for p in root.iterdir() if p.name.startswith((".build-", ".trash-", ".index-", ".paths-")))


def big_file(folder: Path, triples: int = 6000) -> Path:
    """Data above the snapshot limit, so the entry is a RocksDB database."""
    path = folder / "big.nt"
    path.write_text("".join(f"<urn:s{n}> <urn:p> <urn:o{n}> .\n" for n in range(triples)), encoding="utf-8")
    return path


def popen(root: Path, *args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "SCO_GRAPH_CACHE": str(root)}
    command = [sys.executable, "-m", "sco_graph", *args]
    return subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_runs_during_repeated_clears_answer_or_fail_cleanly(tmp_path: Path) -> None:
    root, big = tmp_path / "cache", big_file(tmp_path)
    expected = run(root, *QUERY).stdout
    deadline = time.monotonic() + 4
    outcomes: list[tuple[tuple[str, ...], int, str, str]] = []
    while time.monotonic() < deadline:
        commands = [QUERY, QUERY, ("--data", str(big), "stats", "--top", "0", "--format", "json"), ("cache", "clear")]
        started = [(command, popen(root, *command)) for command in commands]
        for command, process in started:
            out, err = process.communicate(timeout=120)
            outcomes.append((command, process.returncode, out, err))
    for command, code, out, err in outcomes:
        assert "Traceback" not in err
        assert code in (0, ExitCode.IO_ERROR), (command, code, err)
        if code == 0 and command == QUERY:
            assert out == expected
        if code == ExitCode.IO_ERROR:
            assert len(err.splitlines()) == 1, err
        assert "data" not in err or command[0] == "--data", err  # never blames the bundled files
    clean(run(root, "cache", "clear"), 0, lines=1)
    assert entries(root) == []
    assert leftovers(root) == []


def test_a_killed_build_is_not_counted_and_is_cleaned_up(tmp_path: Path) -> None:
    root, big = tmp_path / "cache", big_file(tmp_path, triples=300_000)
    build = popen(root, "--data", str(big), "stats", "--top", "0")
    deadline = time.monotonic() + 60
    while not any((folder / "lock").exists() for folder in root.glob(".build-*")) and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(0.2)
    build.send_signal(signal.SIGKILL)
    build.wait(timeout=30)
    if build.returncode != -signal.SIGKILL:
        pytest.skip("the build finished before it could be killed")
    assert root.glob(".build-*")
    info = json.loads(run(root, "cache", "info", "--format", "json").stdout)
    assert info["entries"] == 0
    [message] = clean(run(root, "cache", "clear"), 0, lines=1)
    assert "removed 0 compiled stores" in message
    assert leftovers(root) == []


def test_a_killed_build_is_swept_by_the_next_build(tmp_path: Path) -> None:
    root = tmp_path / "cache"
    clean(run(root, *QUERY), 0)
    abandoned = root / ".build-killed"
    (abandoned / "store").mkdir(parents=True)
    (abandoned / "lock").write_text("", encoding="utf-8")  # a lock file nobody holds: its run is gone
    small = tmp_path / "small.nt"
    small.write_text("<urn:a> <urn:b> <urn:c> .\n", encoding="utf-8")
    clean(run(root, "--data", str(small), *QUERY), 0)
    assert leftovers(root) == []


def test_an_entry_in_use_is_left_in_place_by_clear(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "cache"
    monkeypatch.setenv("SCO_GRAPH_CACHE", str(root))
    clean(run(root, *QUERY), 0)
    [entry] = entries(root)
    reader = subprocess.Popen(
        [sys.executable, "-c", "import fcntl, sys, time; f = open(sys.argv[1]); fcntl.flock(f, fcntl.LOCK_SH); "
         "print('locked', flush=True); time.sleep(30)", str(entry / "lock")],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert reader.stdout is not None
        assert reader.stdout.readline().strip() == "locked"
        cleared = cache.clear()
        assert (cleared.removed, cleared.in_use) == (0, 1)
        assert entries(root) == [entry]
    finally:
        reader.kill()
        reader.wait()
    assert cache.clear() == 1


@pytest.fixture
def own_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SCO_GRAPH_CACHE", str(tmp_path / "cache"))
    return tmp_path / "cache"


def _damage(path: Path) -> None:
    """Flip bytes in the middle of a file, keeping its size."""
    data = bytearray(path.read_bytes())
    middle = len(data) // 2
    data[middle : middle + 64] = bytes(byte ^ 0xFF for byte in data[middle : middle + 64])
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("name", ["names.sqlite", "snapshot.nq", "marker", "lock"])
def test_a_damaged_file_of_an_entry_is_rebuilt(tmp_path: Path, name: str) -> None:
    root = tmp_path / "cache"
    clean(run(root, *QUERY), 0)
    [entry] = entries(root)
    target = entry / name
    if name == "lock":
        target.unlink()
        target.symlink_to(tmp_path)
    else:
        _damage(target)
    result = run(root, *QUERY)
    assert result.returncode == 0, result.stderr
    assert "Sadyr Japarov" in result.stdout
    assert "Traceback" not in result.stderr
    assert len(result.stderr.splitlines()) <= 1
    clean(run(root, *QUERY), 0)  # and the next run is quiet again


def test_a_truncated_snapshot_is_rebuilt(tmp_path: Path) -> None:
    root = tmp_path / "cache"
    clean(run(root, *QUERY), 0)
    [entry] = entries(root)
    with (entry / "snapshot.nq").open("r+b") as stream:
        stream.truncate(1000)
    [warning] = clean(run(root, *QUERY), 0, lines=1)
    assert "is damaged; rebuilding it" in warning


@pytest.mark.parametrize(
    "content",
    [
        b'{"version": 2, "nodes": 1000000000000, "entries": 1000000000000, "blake2b": ""}\n',
        b'{"version": 2, "nodes": 3, "entries": 5000000000, "blake2b": ""}\nA\nB\nC\n' + b"\0" * 64,
        b"\xff" * 5000,
        b"",
    ],
)
def test_a_damaged_path_index_is_rebuilt_without_allocating(tmp_path: Path, content: bytes) -> None:
    root = tmp_path / "cache"
    first = run(root, "path", "Zhang", "Japarov", "--format", "json")
    clean(first, 0)
    [entry] = entries(root)
    (entry / "paths.bin").write_bytes(content)
    started = time.monotonic()
    again = run(root, "path", "Zhang", "Japarov", "--format", "json")
    clean(again, 0)
    assert again.stdout == first.stdout
    assert time.monotonic() - started < 20
    assert (entry / "paths.bin").read_bytes() != content  # rebuilt and saved again


def test_a_damaged_database_file_is_rebuilt(tmp_path: Path) -> None:
    root, big = tmp_path / "cache", big_file(tmp_path)
    command = ("--data", str(big), "stats", "--top", "0", "--format", "json")
    first = run(root, *command)
    clean(first, 0)
    [entry] = [entry for entry in entries(root) if (entry / "store").is_dir()]
    table = max((entry / "store").glob("*.sst"), key=lambda path: path.stat().st_size)
    _damage(table)
    [warning] = clean(run(root, *command), 0, lines=1)
    assert "is damaged; rebuilding it" in warning
    assert run(root, *command).stdout == first.stdout


def test_a_large_damaged_table_is_caught_by_its_stamp(
    own_cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # No checksums: the files' stamps must catch the write.
    monkeypatch.setattr("sco_graph.cache.manifest.CHECKSUM_BUDGET", 0)
    big = big_file(tmp_path)
    expected = queries.stats(api.open_graph([big]), top=0).triples
    [entry] = [entry for entry in entries(own_cache) if (entry / "store").is_dir()]
    for table in (entry / "store").glob("*.sst"):
        _damage(table)
    with pytest.warns(UserWarning, match="is damaged; rebuilding it"):
        graph = api.open_graph([big])
    assert queries.stats(graph, top=0).triples == expected


def test_damage_found_while_reading_the_name_index_removes_the_entry(own_cache: Path) -> None:
    graph = api.open_graph()
    [entry] = entries(own_cache)
    (entry / "names.sqlite").write_bytes(b"not a database" * 100)
    with pytest.raises(StorageError, match="removed and will be rebuilt on the next run"):
        queries.who_met(graph, "Zhang Ming")
    assert entries(own_cache) == []
    assert queries.who_met(api.open_graph(), "Zhang Ming").meetings
