"""The compiled store: reused, rebuilt when stale or corrupt, safe when read-only or raced."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from sco_graph import api
from sco_graph.progress import set_reporter

from .conftest import Invoke

MINE = """@prefix sco: <https://w3id.org/sco-graph/def#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<#src> a sco:Article ; <https://schema.org/headline> "Notes" .
<#ada> a sco:Person ; rdfs:label "Ada Analyst" ; sco:evidence [ sco:source <#src> ; sco:quote "Ada wrote" ] .
"""


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("SCO_GRAPH_CACHE", str(folder))
    return folder


def entries(cache: Path) -> list[Path]:
    return sorted(child for child in cache.iterdir() if child.is_dir() and not child.name.startswith("."))


def test_a_second_run_reuses_the_compiled_store(cli: Invoke, cache: Path) -> None:
    assert cli("who-met", "Zhang").exit_code == 0
    [entry] = entries(cache)
    stamp = (entry / "marker").stat().st_mtime_ns
    assert cli("who-met", "Zhang").exit_code == 0
    assert entries(cache) == [entry]
    assert (entry / "marker").stat().st_mtime_ns == stamp


def test_a_corrupt_entry_is_rebuilt_with_a_warning(cli: Invoke, cache: Path) -> None:
    cli("who-met", "Zhang")
    [entry] = entries(cache)
    (entry / "marker").write_text("garbage", encoding="utf-8")
    result = cli("who-met", "Zhang", "Ming", "--format", "json")
    assert result.exit_code == 0
    assert "corrupt or foreign; rebuilding it" in result.stderr
    assert "Sadyr Japarov" in result.stdout


def test_a_damaged_snapshot_is_rebuilt(cli: Invoke, cache: Path) -> None:
    cli("who-met", "Zhang")
    [entry] = entries(cache)
    (entry / "snapshot.nq").write_bytes(b"\x00not n-quads\x00")  # the bundled data is small: a snapshot
    result = cli("who-met", "Zhang", "Ming", "--format", "json")
    assert result.exit_code == 0, result.output
    assert "is damaged; rebuilding it" in result.stderr
    assert "Sadyr Japarov" in result.stdout


def test_a_damaged_database_is_rebuilt(cli: Invoke, cache: Path, tmp_path: Path) -> None:
    big = tmp_path / "big.nt"
    big.write_text("".join(f"<urn:s{n}> <urn:p> <urn:o{n}> .\n" for n in range(6000)), encoding="utf-8")
    assert cli("--data", str(big), "stats", "--top", "0").exit_code == 0
    [entry] = [entry for entry in entries(cache) if (entry / "store").is_dir()]
    for file in (entry / "store").iterdir():
        if file.name.startswith(("CURRENT", "MANIFEST")):
            file.write_bytes(b"\x00not a database\x00")
    result = cli("--data", str(big), "stats", "--top", "0", "--format", "json")
    assert result.exit_code == 0, result.output
    assert "rebuilding it" in result.stderr
    assert '"triples": ' in result.stdout


def test_an_unwritable_cache_location_falls_back_to_memory(cli: Invoke, tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    result = cli("who-met", "Zhang", "Ming", "--format", "json", env={"SCO_GRAPH_CACHE": str(blocker / "cache")})
    assert result.exit_code == 0
    assert "working in memory" in result.stderr
    assert "Sadyr Japarov" in result.stdout


def test_concurrent_first_runs_do_not_crash(tmp_path: Path) -> None:
    env = {**os.environ, "SCO_GRAPH_CACHE": str(tmp_path / "cache")}
    command = [sys.executable, "-m", "sco_graph", "who-met", "Zhang", "Ming", "--format", "json"]
    runs = [subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(4)]
    outputs = [run.communicate(timeout=120) for run in runs]
    assert [run.returncode for run in runs] == [0, 0, 0, 0], [error for _, error in outputs]
    assert len({output for output, _ in outputs}) == 1
    assert len(entries(tmp_path / "cache")) == 1


def test_a_bad_file_leaves_no_entry_behind(cli: Invoke, cache: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.ttl"
    bad.write_text("<a> <b> .", encoding="utf-8")
    assert cli("--data", str(bad), "stats").exit_code == 5
    assert not cache.exists() or entries(cache) == []


def test_cache_info_and_clear(cli: Invoke, cache: Path) -> None:
    cli("who-met", "Zhang")
    info = json.loads(cli("cache", "info", "--format", "json").stdout)
    assert info["folder"] == str(cache)
    assert info["entries"] == 1
    assert info["bytes"] > 0
    cleared = cli("cache", "clear")
    assert cleared.exit_code == 0
    assert "removed 1 compiled store" in cleared.stderr
    assert entries(cache) == []


class Recorder:
    def __init__(self) -> None:
        self.events: list[tuple[str, object]] = []

    def start(self, description: str, total: int | None) -> None:
        self.events.append(("start", total))

    def advance(self, amount: int) -> None:
        self.events.append(("advance", amount))

    def finish(self) -> None:
        self.events.append(("finish", None))


def test_compiling_reports_progress_in_bytes(cache: Path, tmp_path: Path) -> None:
    path = tmp_path / "mine.ttl"
    path.write_text(MINE, encoding="utf-8")
    recorder = Recorder()
    set_reporter(recorder)
    try:
        api.open_graph([path], bundled=False)
    finally:
        set_reporter(None)
    assert recorder.events[0] == ("start", len(MINE.encode()))
    assert sum(amount for kind, amount in recorder.events if kind == "advance") == len(MINE.encode())  # type: ignore[misc]
    assert recorder.events[-1] == ("finish", None)


def test_nothing_but_the_answer_when_piped(cli: Invoke, cache: Path) -> None:
    result = cli("who-met", "Zhang")
    assert result.stderr == ""


@pytest.mark.parametrize("xdg", [None, "", "   ", "/tmp/elsewhere", "relative/folder"])
def test_the_cache_folder_is_the_platforms_user_cache_folder(monkeypatch: pytest.MonkeyPatch, xdg: str | None) -> None:
    from platformdirs import user_cache_dir

    from sco_graph.cache.folder import cache_root

    monkeypatch.delenv("SCO_GRAPH_CACHE", raising=False)
    if xdg is None:
        monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    else:
        monkeypatch.setenv("XDG_CACHE_HOME", xdg)
    assert cache_root() == Path(user_cache_dir("sco-graph", appauthor=False))
