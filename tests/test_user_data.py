"""Users' own data: added with --data or SCO_GRAPH_DATA, strictly parsed, never half-loaded."""

from __future__ import annotations

from pathlib import Path

import pytest

from sco_graph.errors import ExitCode

from .conftest import Invoke

MINE = """@prefix sco: <https://w3id.org/sco-graph/def#> .
@prefix e: <https://w3id.org/sco-graph/id/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
<notes.html> a sco:Article ; <https://schema.org/headline> "My notes" .
<#meeting> a sco:Meeting ; rdfs:label "Zhang Ming meets Ada Analyst" ;
    sco:date "2024-02"^^xsd:gYearMonth ;
    sco:participant e:zhang-ming, <#ada> ;
    sco:evidence [ sco:source <notes.html> ; sco:quote "we met in February" ] .
<#ada> a sco:Person ; rdfs:label "Ada Analyst" ;
    sco:evidence [ sco:source <notes.html> ; sco:quote "we met in February" ] .
"""


def write(folder: Path, text: str = MINE, name: str = "mine.ttl") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_data_adds_to_the_bundled_dataset(cli: Invoke, tmp_path: Path) -> None:
    path = write(tmp_path)
    data = cli.json("--data", str(path), "who-met", "Zhang", "Ming")
    assert [row["counterpart"]["name"] for row in data["meetings"]] == ["Sadyr Japarov", "Ada Analyst"]
    assert data["meetings"][1]["when"]["date"] == "2024-02"


def test_relative_iris_resolve_against_the_files_location(cli: Invoke, tmp_path: Path) -> None:
    path = write(tmp_path / "notes")
    data = cli.json("--data", str(path), "show", "Ada Analyst")
    assert data["entity"]["iri"] == (tmp_path / "notes" / "mine.ttl").as_uri() + "#ada"
    assert data["sources"][0]["iri"] == (tmp_path / "notes" / "notes.html").as_uri()


def test_no_bundled_leaves_the_curated_data_out(cli: Invoke, tmp_path: Path) -> None:
    path = write(tmp_path)
    assert cli("--no-bundled", "--data", str(path), "who-met", "Japarov").exit_code == ExitCode.UNKNOWN_NAME
    assert cli("--no-bundled", "stats").exit_code == ExitCode.USAGE


def test_folders_and_the_environment_variable_add_data(cli: Invoke, tmp_path: Path) -> None:
    write(tmp_path / "folder")
    result = cli("who-met", "Ada", "Analyst", "--format", "json", env={"SCO_GRAPH_DATA": str(tmp_path / "folder")})
    assert result.exit_code == 0, result.output
    assert "Zhang Ming" in result.stdout


def test_an_invalid_file_stops_the_load_with_its_position_and_loads_nothing(cli: Invoke, tmp_path: Path) -> None:
    good = write(tmp_path, name="good.ttl")
    bad = write(tmp_path, MINE.replace('rdfs:label "Ada Analyst"', "rdfs:label <bad iri>"), "bad.ttl")
    result = cli("--data", str(good), "--data", str(bad), "who-met", "Zhang", "Ming")
    assert result.exit_code == ExitCode.INVALID_DATA
    assert f"{bad}:10:34: Invalid IRI" in result.stderr
    assert result.stdout == ""
    # nothing of the good file was kept anywhere: without it, Ada is unknown
    assert cli("who-met", "Ada", "Analyst").exit_code == ExitCode.UNKNOWN_NAME


def test_edited_data_is_picked_up_on_the_next_run(cli: Invoke, tmp_path: Path) -> None:
    path = write(tmp_path)
    assert cli.json("--data", str(path), "show", "Ada Analyst")["entity"]["name"] == "Ada Analyst"
    write(tmp_path, MINE.replace("Ada Analyst", "Ada Lovelace"))
    assert cli.json("--data", str(path), "show", "Ada Lovelace")["entity"]["name"] == "Ada Lovelace"


@pytest.mark.parametrize(
    ("content", "code", "message"),
    [
        (b"\xef\xbb\xbf" + MINE.encode(), 0, ""),
        (MINE.encode("utf-16"), ExitCode.INVALID_DATA, "not UTF-8"),
        (b"", 0, ""),
        (
            MINE.replace('"2024-02"^^xsd:gYearMonth', '"2024-02-30"^^xsd:date').encode(),
            ExitCode.INVALID_DATA,
            "not a real date",
        ),
    ],
)
def test_encodings_empty_files_and_ill_typed_dates(
    cli: Invoke, tmp_path: Path, content: bytes, code: int, message: str
) -> None:
    path = tmp_path / "mine.ttl"
    path.write_bytes(content)
    result = cli("--data", str(path), "stats", "--format", "json")
    assert result.exit_code == code, result.output
    assert message in result.stderr


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("missing.ttl", ExitCode.IO_ERROR),
        ("notes.txt", ExitCode.INVALID_DATA),
        ("empty-folder", ExitCode.INVALID_DATA),
        ("unreadable.ttl", ExitCode.IO_ERROR),
    ],
)
def test_missing_unreadable_wrong_types_and_empty_folders(cli: Invoke, tmp_path: Path, name: str, code: int) -> None:
    (tmp_path / "notes.txt").write_text("hello", encoding="utf-8")
    (tmp_path / "empty-folder").mkdir()
    (tmp_path / "unreadable.ttl").symlink_to("/proc/self/mem")  # reading it fails with an I/O error, even for root
    result = cli("--data", str(tmp_path / name), "stats")
    assert result.exit_code == code
    assert result.stderr.startswith("sco-graph: error: ")
