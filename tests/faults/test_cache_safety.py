"""The cache touches only its own entries: user folders, tampered indexes, links and copies are safe."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from sco_graph import api, cache, load
from sco_graph.errors import ExitCode

PERSON = """@prefix sco: <https://w3id.org/sco-graph/def#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<#src> a sco:Article ; <https://schema.org/headline> "Notes" .
<#p> a sco:Person ; rdfs:label "{name}" ; sco:evidence [ sco:source <#src> ; sco:quote "{name} wrote" ] .
"""


def run(cache_folder: Path | str, *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """The CLI in a fresh process with its own cache folder."""
    env = {**os.environ, "SCO_GRAPH_CACHE": str(cache_folder)}
    command = [sys.executable, "-m", "sco_graph", *args]
    return subprocess.run(command, env=env, cwd=cwd, capture_output=True, text=True, timeout=120, check=False)


def clean(result: subprocess.CompletedProcess[str], code: int, lines: int = 0) -> list[str]:
    """Assert the exit code, no traceback, and exactly ``lines`` one-line messages on stderr."""
    assert result.returncode == code, result.stderr
    assert "Traceback" not in result.stderr
    messages = result.stderr.splitlines()
    assert len(messages) == lines, messages
    assert all(message.startswith("sco-graph: ") for message in messages)
    return messages


def snapshot(folder: Path) -> dict[str, bytes | str]:
    """Every file's bytes and every link's target below ``folder``."""
    found: dict[str, bytes | str] = {}
    for path in sorted(folder.rglob("*")):
        name = str(path.relative_to(folder))
        if path.is_symlink():
            found[name] = f"-> {os.readlink(path)}"
        elif path.is_file():
            found[name] = path.read_bytes()
        else:
            found[name] = "folder"
    return found


def user_folder(folder: Path) -> Path:
    """A folder of a user's own files, named like things a cache might hold."""
    (folder / "photos").mkdir(parents=True)
    (folder / "photos" / "cat.jpg").write_bytes(b"\xff\xd8 not really a jpeg")
    (folder / "index.json").write_text('{"my": "own index"}', encoding="utf-8")
    (folder / ("ab" * 32)).mkdir()
    (folder / ("ab" * 32) / "marker").write_text("my own marker", encoding="utf-8")
    (folder / "notes.txt").write_text("precious", encoding="utf-8")
    return folder


def test_a_cache_folder_of_user_files_is_never_written_or_deleted(tmp_path: Path) -> None:
    home = user_folder(tmp_path / "home")
    before = snapshot(home)
    answered = run(home, "who-met", "Zhang", "Ming", "--format", "json")
    [warning] = clean(answered, 0, lines=1)
    assert "did not create" in warning
    assert "working in memory" in warning
    assert "Sadyr Japarov" in answered.stdout
    [error] = clean(run(home, "cache", "clear"), ExitCode.IO_ERROR, lines=1)
    assert str(home) in error
    assert "nothing was deleted" in error
    assert snapshot(home) == before


def test_a_cache_folder_of_dot_leaves_the_working_folder_alone(tmp_path: Path) -> None:
    home = user_folder(tmp_path / "home")
    before = snapshot(home)
    clean(run(".", "who-met", "Zhang", "Ming", cwd=home), 0, lines=1)
    clean(run(".", "cache", "clear", cwd=home), ExitCode.IO_ERROR, lines=1)
    assert snapshot(home) == before


def test_a_new_or_empty_folder_is_adopted_and_tagged(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    clean(run(empty, "who-met", "Zhang", "Ming"), 0)
    tag = (empty / "CACHEDIR.TAG").read_text(encoding="utf-8")
    assert tag.startswith("Signature: 8a477f597d28d172789f06886806bc55")
    assert [child for child in empty.iterdir() if cache.KEY.fullmatch(child.name)]


def test_a_tampered_index_cannot_name_a_folder_outside_the_cache(tmp_path: Path) -> None:
    root, outside = tmp_path / "cache", user_folder(tmp_path / "outside")
    before = snapshot(outside)
    clean(run(root, "who-met", "Zhang", "Ming"), 0)
    index_path = root / "index.json"
    fingerprint = load.fingerprint(api.input_files())
    for hostile in ("../outside", str(outside), "../../outside", "ab" * 32 + "/../../outside"):
        index_path.write_text(json.dumps({fingerprint: hostile}), encoding="utf-8")
        answered = run(root, "who-met", "Zhang", "Ming", "--format", "json")
        clean(answered, 0)
        assert "Sadyr Japarov" in answered.stdout
    clean(run(root, "cache", "clear"), 0, lines=1)
    assert snapshot(outside) == before


def test_a_symlinked_entry_is_never_followed(tmp_path: Path) -> None:
    root, outside = tmp_path / "cache", user_folder(tmp_path / "outside")
    (outside / "marker").write_text(f"{cache.MARKER} {cache.FORMAT_VERSION}\n{{}}\n", encoding="utf-8")
    (outside / "lock").write_text("", encoding="utf-8")
    before = snapshot(outside)
    clean(run(root, "who-met", "Zhang", "Ming"), 0)
    [entry] = [child for child in root.iterdir() if cache.KEY.fullmatch(child.name)]
    shutil.rmtree(entry)
    entry.symlink_to(outside, target_is_directory=True)
    (root / ("cd" * 32)).symlink_to(outside, target_is_directory=True)
    answered = run(root, "who-met", "Zhang", "Ming", "--format", "json")
    assert answered.returncode == 0, answered.stderr
    assert "Sadyr Japarov" in answered.stdout
    clean(run(root, "cache", "clear"), 0, lines=1)
    assert snapshot(outside) == before


def _write(path: Path, name: str) -> Path:
    path.write_text(PERSON.format(name=name), encoding="utf-8")
    return path


def test_an_entry_copied_under_another_key_is_not_served(tmp_path: Path) -> None:
    root = tmp_path / "cache"
    ada, bea = _write(tmp_path / "ada.ttl", "Ada Analyst"), _write(tmp_path / "bea.ttl", "Bea Brightwater")
    clean(run(root, "--no-bundled", "--data", str(ada), "who-met", "Ada"), 0)
    [ada_entry] = [child for child in root.iterdir() if cache.KEY.fullmatch(child.name)]
    clean(run(root, "--no-bundled", "--data", str(bea), "who-met", "Bea"), 0)
    [bea_entry] = [child for child in root.iterdir() if cache.KEY.fullmatch(child.name) and child != ada_entry]
    shutil.rmtree(bea_entry)
    shutil.copytree(ada_entry, bea_entry)
    result = run(root, "--no-bundled", "--data", str(bea), "search", "Bea", "--format", "json")
    assert result.returncode == 0, result.stderr
    assert "Bea Brightwater" in result.stdout
    assert "Ada Analyst" not in result.stdout
    assert "corrupt or foreign; rebuilding it" in result.stderr


def test_same_size_edits_with_the_old_modification_time_are_seen(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SCO_GRAPH_CACHE", str(tmp_path / "cache"))
    monkeypatch.setattr("sco_graph.cache.index.SETTLED_NS", 0)  # record the fingerprint at once
    data = _write(tmp_path / "mine.ttl", "Ada Analyst")
    first = api.open_graph([data], bundled=False)
    assert first.resolve("Ada").name == "Ada Analyst"
    assert json.loads((tmp_path / "cache" / "index.json").read_text(encoding="utf-8"))  # fingerprint recorded
    stamp = data.stat()
    _write(data, "Eve Analyst")  # same size, then the old modification time put back
    os.utime(data, ns=(stamp.st_atime_ns, stamp.st_mtime_ns))
    assert api.open_graph([data], bundled=False).resolve("Eve").name == "Eve Analyst"


def test_a_file_edited_during_a_compile_and_restored_is_served_as_restored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SCO_GRAPH_CACHE", str(tmp_path / "cache"))
    data = _write(tmp_path / "mine.ttl", "Ada Analyst")
    original = data.read_bytes()
    reads: list[Path] = []
    read_bytes = load.read_bytes

    def edited_while_compiling(path: Path) -> bytes:
        reads.append(path)
        if len(reads) == 2:  # the first read hashes the file, the second compiles it
            _write(data, "Eve Analyst")
            try:
                return read_bytes(path)
            finally:
                data.write_bytes(original)
        return read_bytes(path)

    monkeypatch.setattr(load, "read_bytes", edited_while_compiling)
    during = api.open_graph([data], bundled=False)
    assert during.resolve("Eve").name == "Eve Analyst"  # what the compile read, and nothing else
    monkeypatch.setattr(load, "read_bytes", read_bytes)
    after = api.open_graph([data], bundled=False)
    assert after.resolve("Ada").name == "Ada Analyst"
