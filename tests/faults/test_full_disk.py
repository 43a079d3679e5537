"""A real full disk under the cache: runs warn, answer from memory, and leave no temporary file behind."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from sco_graph import cache

from .test_cache_safety import clean, run, snapshot

QUERY = ("who-met", "Zhang", "Ming", "--format", "json")


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 2 MB tmpfs (root only); skipped where it cannot be mounted."""
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting a tmpfs needs root")
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mount)], capture_output=True, check=False
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs: {done.stderr.decode(errors='replace').strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], capture_output=True, check=False)


def fill(disk: Path) -> None:
    """Write until the disk refuses another byte."""
    with (disk / "filler").open("wb", buffering=0) as stream, contextlib.suppress(OSError):
        while True:
            stream.write(b"\0" * 4096)
            stream.flush()
    with contextlib.suppress(OSError):
        (disk / "filler2").write_bytes(b"\0" * 512)


def leftovers(root: Path) -> list[str]:
    found = [
        path.name for path in root.rglob("*") if path.name.startswith((".build-", ".index-", ".paths-", ".trash-"))
    ]
    return sorted(found)


def big_data(folder: Path) -> Path:
    path = folder / "big.nt"
    path.write_text("".join(f"<urn:s{n}> <urn:p> <urn:o{n}> .\n" for n in range(20000)), encoding="utf-8")
    return path


def test_a_full_disk_before_the_first_run_falls_back_to_memory(small_disk: Path, tmp_path: Path) -> None:
    expected = run(tmp_path / "elsewhere", *QUERY).stdout
    fill(small_disk)
    root = small_disk / "cache"
    result = run(root, *QUERY)
    [warning] = clean(result, 0, lines=1)
    assert "working in memory" in warning
    assert result.stdout == expected
    assert leftovers(small_disk) == []


def test_a_full_disk_during_a_build_falls_back_to_memory_and_leaves_nothing(small_disk: Path, tmp_path: Path) -> None:
    root = small_disk / "cache"
    clean(run(root, *QUERY), 0)  # a cache with one entry, then the disk fills up
    before = snapshot(root)
    fill(small_disk)
    big = big_data(tmp_path)
    command = ("--data", str(big), "stats", "--top", "0", "--format", "json")
    expected = run(tmp_path / "elsewhere", *command).stdout
    result = run(root, *command)
    [warning] = clean(result, 0, lines=1)
    assert "working in memory" in warning
    assert "No space left on device" in warning
    assert result.stdout == expected
    assert leftovers(small_disk) == []
    assert snapshot(root) == before


def test_a_full_disk_when_saving_derived_indexes_still_answers(small_disk: Path, tmp_path: Path) -> None:
    root = small_disk / "cache"
    clean(run(root, *QUERY), 0)
    [entry] = [child for child in root.iterdir() if cache.KEY.fullmatch(child.name)]
    (root / "index.json").unlink()  # the fingerprint index and the path index must be written again
    fill(small_disk)
    expected = run(tmp_path / "elsewhere", "path", "Zhang", "Japarov", "--format", "json").stdout
    result = run(root, "path", "Zhang", "Japarov", "--format", "json")
    clean(result, 0)
    assert result.stdout == expected
    assert not (entry / "paths.bin").exists() or (entry / "paths.bin").stat().st_size > 0
    assert leftovers(small_disk) == []
