"""Hostile data files give clean exits: no hang, no memory blow-up, no traceback, no cache entry left."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from sco_graph.errors import ExitCode

from .test_cache_safety import clean, run

HOSTILE: dict[str, tuple[bytes, int, str]] = {
    "huge-literal.ttl": (
        b'<urn:a> <urn:b> <urn:c> .\n<urn:s> <urn:p> "' + b"x" * (17 << 20) + b'" .\n',
        ExitCode.INVALID_DATA,
        "huge-literal.ttl:2:17: a literal or IRI longer than 16 MB",
    ),
    "nul.ttl": (b"<urn:s> <urn:p> \x00 .\n", ExitCode.INVALID_DATA, "nul.ttl:1:17"),
    "latin1.ttl": (b'<urn:s> <urn:p> "caf\xe9" .\n', ExitCode.INVALID_DATA, "latin1.ttl:1:21: not UTF-8 text"),
    "deep.jsonld": (
        b'{"@context": {"@vocab": "http://x/"}, "a": ' + b'{"a": ' * 100_000 + b"1" + b"}" * 100_001,
        ExitCode.INVALID_DATA,
        "deep.jsonld:1:",
    ),
    "broken.jsonld": (b'{"@id": 5', ExitCode.INVALID_DATA, "broken.jsonld:1:"),
    "bad-escape.ttl": (b'<urn:s> <urn:p> "\\q" .\n', ExitCode.INVALID_DATA, "bad-escape.ttl:1:"),
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_files_are_refused_with_their_position(tmp_path: Path, name: str) -> None:
    content, code, message = HOSTILE[name]
    path = tmp_path / name
    path.write_bytes(content)
    root = tmp_path / "cache"
    [error] = clean(run(root, "--data", str(path), "stats", "--top", "0"), code, lines=1)
    assert message in error
    assert not [child for child in root.iterdir() if child.name not in ("CACHEDIR.TAG", "index.json")]


def test_long_lines_and_deep_collections_load(tmp_path: Path) -> None:
    path = tmp_path / "wide.ttl"
    path.write_bytes(
        b"<urn:s> <urn:p> " + b'"x", ' * 200_000 + b'"y" .\n<urn:t> <urn:p> ' + b"(" * 20_000 + b")" * 20_000 + b" .\n"
    )
    clean(run(tmp_path / "cache", "--data", str(path), "stats", "--top", "0"), 0)


@pytest.mark.parametrize("kind", ["fifo", "dev-zero", "link-to-dev-zero"])
def test_non_regular_data_paths_are_refused_without_blocking(tmp_path: Path, kind: str) -> None:
    path = tmp_path / "data.ttl"
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "link-to-dev-zero":
        path.symlink_to("/dev/zero")
    else:
        path = Path("/dev/zero")
    [error] = clean(run(tmp_path / "cache", "--data", str(path), "stats"), ExitCode.IO_ERROR, lines=1)
    assert "not a regular file" in error


def test_a_fifo_in_a_data_folder_is_skipped(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    os.mkfifo(folder / "pipe.ttl")
    (folder / "ok.nt").write_text("<urn:a> <urn:b> <urn:c> .\n", encoding="utf-8")
    clean(run(tmp_path / "cache", "--data", str(folder), "stats", "--top", "0"), 0)


@pytest.mark.parametrize("path", ["a" * 5000 + ".ttl", "/".join(["d" * 200] * 30) + ".ttl"])
def test_over_long_paths_give_a_clean_error(tmp_path: Path, path: str) -> None:
    [error] = clean(run(tmp_path / "cache", "--data", path, "stats"), ExitCode.IO_ERROR, lines=1)
    assert "too long" in error
    assert len(error) < 400


def test_a_missing_file_gives_a_clean_error(tmp_path: Path) -> None:
    [error] = clean(run(tmp_path / "cache", "--data", str(tmp_path / "nope.ttl"), "stats"), ExitCode.IO_ERROR, lines=1)
    assert "no such file" in error


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads every file")
def test_an_unreadable_file_gives_a_clean_error(tmp_path: Path) -> None:
    path = tmp_path / "secret.ttl"
    path.write_text("<urn:a> <urn:b> <urn:c> .\n", encoding="utf-8")
    path.chmod(0)
    [error] = clean(run(tmp_path / "cache", "--data", str(path), "stats"), ExitCode.IO_ERROR, lines=1)
    assert "permission denied" in error


@pytest.mark.parametrize(
    "date", ['"0000"^^xsd:gYear', '"-0001"^^xsd:gYear', '"10000"^^xsd:gYear', '"2020-01-01Z"^^xsd:date']
)
def test_data_dates_outside_the_calendar_are_invalid_data(tmp_path: Path, date: str) -> None:
    path = tmp_path / "dates.ttl"
    path.write_text(
        "@prefix sco: <https://w3id.org/sco-graph/def#> .\n@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
        f'<#m> a sco:Meeting ; rdfs:label "m" ; sco:date {date} .\n',
        encoding="utf-8",
    )
    [error] = clean(run(tmp_path / "cache", "--data", str(path), "timeline"), ExitCode.INVALID_DATA, lines=1)
    assert "dates.ttl" in error
