"""Standard output that fails: a full disk, /dev/full, a closed descriptor, a reader that goes away."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from sco_graph.errors import ExitCode

from .hostile import assert_one_clean_line, run

COMMANDS = [
    ("export", "-f", "ntriples"),
    ("timeline",),
    ("timeline", "--format", "json"),
    ("sparql", "SELECT ?s ?p ?o WHERE { ?s ?p ?o }", "--format", "csv"),
]


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_dev_full_gives_exit_6_and_one_line(command: tuple[str, ...]) -> None:
    with Path("/dev/full").open("wb") as full:
        result = run(*command, stdout=full, stderr=subprocess.PIPE)
    assert result.returncode == ExitCode.IO_ERROR
    assert "standard output" in assert_one_clean_line(result.stderr)


@pytest.mark.parametrize("command", COMMANDS[:2], ids=" ".join)
def test_a_closed_stdout_gives_exit_6_and_one_line(command: tuple[str, ...]) -> None:
    result = run(*command, stdout=None, stderr=subprocess.PIPE, preexec_fn=lambda: os.close(1))
    assert result.returncode == ExitCode.IO_ERROR
    assert "standard output is closed" in assert_one_clean_line(result.stderr)


def test_a_closed_stdout_does_not_stop_a_command_that_writes_a_file(tmp_path: Path) -> None:
    target = tmp_path / "out.ttl"
    result = run(
        "export", "-o", str(target), stdout=None, stderr=subprocess.PIPE,
        preexec_fn=lambda: os.close(1),
    )  # fmt: skip
    assert result.returncode == ExitCode.OK, result.stderr
    assert target.read_bytes().startswith(b"@prefix")


@pytest.mark.parametrize("command", [("timeline",), ("export", "-f", "ntriples"), ("timeline", "-f", "csv")])
def test_a_reader_that_stops_early_is_a_normal_end(command: tuple[str, ...]) -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "sco_graph", *command], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    assert process.stdout is not None and process.stderr is not None
    first = process.stdout.readline()
    process.stdout.close()  # what `| head -n 1` does
    stderr = process.stderr.read()
    assert process.wait(timeout=60) == ExitCode.OK, stderr
    assert first.strip()
    assert stderr == b""


@contextlib.contextmanager
def small_tmpfs(folder: Path, size: str) -> Iterator[Path]:
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root")
    folder.mkdir()
    command = ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)]
    mounted = subprocess.run(command, check=False, capture_output=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode(errors='replace').strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


@pytest.mark.parametrize(
    "command", [("export", "-f", "ntriples"), ("sparql", "SELECT ?s ?p ?o WHERE { ?s ?p ?o }", "--limit", "100000")]
)
def test_a_real_full_disk_under_redirected_stdout_gives_exit_6(tmp_path: Path, command: tuple[str, ...]) -> None:
    with small_tmpfs(tmp_path / "disk", "64k") as disk:
        with (disk / "answer.txt").open("wb") as answer:
            result = run(*command, stdout=answer, stderr=subprocess.PIPE)
        assert result.returncode == ExitCode.IO_ERROR
        assert "No space left on device" in assert_one_clean_line(result.stderr)


def test_a_real_full_disk_under_an_output_file_leaves_nothing_behind(tmp_path: Path) -> None:
    with small_tmpfs(tmp_path / "disk", "64k") as disk:
        result = run("export", "-f", "ntriples", "-o", str(disk / "all.nt"))
        assert result.returncode == ExitCode.IO_ERROR
        assert "No space left on device" in assert_one_clean_line(result.stderr)
        assert list(disk.iterdir()) == []
