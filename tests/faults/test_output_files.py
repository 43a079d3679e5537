"""--output never replaces what it must not, never clobbers a file that appears meanwhile, leaves no partial file."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from sco_graph.errors import ExitCode, UsageError
from sco_graph.export import write_atomic

from .hostile import assert_one_clean_line, listing, run

WRITERS = [
    ("export",),
    ("draw", "CSTO"),
    ("path", "Terhi Hakala", "Sadyr Japarov"),
    ("timeline", "CSTO"),
]
SUFFIX = {"export": ".ttl", "draw": ".svg", "path": ".svg", "timeline": ".svg"}


@pytest.mark.parametrize("command", WRITERS, ids=lambda command: command[0])
def test_an_existing_file_is_kept_without_force(tmp_path: Path, command: tuple[str, ...]) -> None:
    target = tmp_path / f"mine{SUFFIX[command[0]]}"
    target.write_bytes(b"the user's own work")
    result = run(*command, "--output", str(target))
    assert result.returncode == ExitCode.USAGE
    assert "--force" in assert_one_clean_line(result.stderr)
    assert listing(tmp_path) == {target.name: b"the user's own work"}


@pytest.mark.parametrize("command", WRITERS, ids=lambda command: command[0])
def test_force_replaces_an_existing_file_and_leaves_no_temporary(tmp_path: Path, command: tuple[str, ...]) -> None:
    target = tmp_path / f"mine{SUFFIX[command[0]]}"
    target.write_bytes(b"old")
    result = run(*command, "--output", str(target), "--force")
    assert result.returncode == ExitCode.OK, result.stderr
    assert target.read_bytes() != b"old"
    assert [path.name for path in tmp_path.iterdir()] == [target.name]


def format_of(command: tuple[str, ...]) -> list[str]:
    """Export guesses its format from the file name; these names do not tell it."""
    return ["--format", "turtle"] if command[0] == "export" else []


def _fifo(folder: Path) -> Path:
    path = folder / "pipe.svg"
    os.mkfifo(path)
    return path


def _folder(folder: Path) -> Path:
    path = folder / "folder.svg"
    path.mkdir()
    return path


@pytest.mark.parametrize("make", [_fifo, _folder], ids=["fifo", "folder"])
@pytest.mark.parametrize("command", WRITERS, ids=lambda command: command[0])
def test_a_fifo_or_folder_is_never_replaced(tmp_path: Path, command: tuple[str, ...], make: object) -> None:
    target = make(tmp_path)  # type: ignore[operator]
    before = target.lstat()
    result = run(*command, "--output", str(target), "--force", *format_of(command))
    assert result.returncode == ExitCode.USAGE
    assert_one_clean_line(result.stderr)
    after = target.lstat()
    assert stat.S_IFMT(after.st_mode) == stat.S_IFMT(before.st_mode) and after.st_ino == before.st_ino
    assert [path.name for path in tmp_path.iterdir()] == [target.name]


@pytest.mark.parametrize("command", WRITERS, ids=lambda command: command[0])
def test_a_device_is_never_written_over(command: tuple[str, ...]) -> None:
    result = run(*command, "--output", "/dev/null", "--force", *format_of(command))
    assert result.returncode == ExitCode.USAGE
    assert "device" in assert_one_clean_line(result.stderr)
    assert stat.S_ISCHR(Path("/dev/null").stat().st_mode)


def test_an_over_long_output_name_is_a_usage_error(tmp_path: Path) -> None:
    result = run("export", "--output", str(tmp_path / ("x" * 300 + ".ttl")))
    assert result.returncode == ExitCode.USAGE
    assert "too long" in assert_one_clean_line(result.stderr)


class _AppearsMeanwhile(dict[Path, bytes]):
    """Files to write; a rival process creates the target while the data is being written."""

    def items(self):  # type: ignore[no-untyped-def, override]
        for path in self:
            path.write_bytes(b"written by someone else meanwhile")
        return super().items()


def test_no_clobber_holds_against_a_file_created_during_the_write(tmp_path: Path) -> None:
    target = tmp_path / "out.ttl"
    with pytest.raises(UsageError, match="appeared while"):
        write_atomic(_AppearsMeanwhile({target: b"ours"}))
    assert listing(tmp_path) == {"out.ttl": b"written by someone else meanwhile"}


def test_a_failed_second_file_removes_the_first_one_this_call_created(tmp_path: Path) -> None:
    first, second = tmp_path / "edges.csv", tmp_path / "edges.nodes.csv"
    with pytest.raises(UsageError):
        write_atomic(_AppearsMeanwhile({first: b"a", second: b"b"}))
    # both targets were made by the rival before we published; none of ours is left, theirs are intact
    assert listing(tmp_path) == {first.name: b"written by someone else meanwhile",
                                 second.name: b"written by someone else meanwhile"}  # fmt: skip


def test_csv_export_refuses_before_work_when_the_nodes_file_exists(tmp_path: Path) -> None:
    (tmp_path / "edges.nodes.csv").write_bytes(b"mine")
    result = run("export", "--output", str(tmp_path / "edges.csv"))
    assert result.returncode == ExitCode.USAGE
    assert_one_clean_line(result.stderr)
    assert listing(tmp_path) == {"edges.nodes.csv": b"mine"}
