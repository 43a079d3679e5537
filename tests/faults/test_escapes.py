"""Escape sequences and line breaks in the data never reach a reader raw, in any renderer or export."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from sco_graph.errors import ExitCode

from .hostile import FORGED_ROW, HOSTILE_NAME, RAW_CONTROLS, assert_one_clean_line, run, write_hostile

QUERIES = [
    ("who-met", "Zhang", "Ming"),
    ("show", "Eve"),
    ("neighbours", "Eve"),
    ("timeline", "Zhang", "Ming"),
    ("search", "Eve"),
    ("path", "Eve", "Sadyr Japarov"),
    ("sparql", "SELECT ?l WHERE { ?s rdfs:label ?l }"),
]


def assert_no_raw_controls(text: str) -> None:
    found = sorted({repr(char) for char in RAW_CONTROLS if char in text})
    assert not found, f"raw control characters reached the output: {found}"


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_hostile(tmp_path_factory.mktemp("hostile"))


@pytest.mark.parametrize("fmt", ["table", "json", "csv"])
@pytest.mark.parametrize("query", QUERIES, ids=lambda query: query[0])
def test_piped_output_shows_control_characters_escaped(hostile: Path, query: tuple[str, ...], fmt: str) -> None:
    result = run("--data", str(hostile), *query, "--format", fmt)
    assert result.returncode == ExitCode.OK, result.stderr
    text = result.stdout.decode("utf-8")
    assert_no_raw_controls(text)
    if fmt == "json":
        json.loads(text)  # still valid JSON, the values unchanged
    assert "\\x1b" in text or "\\u001b" in text


def test_json_keeps_the_exact_value(hostile: Path) -> None:
    result = run("--data", str(hostile), "show", "Eve", "--format", "json")
    assert json.loads(result.stdout)["entity"]["name"] == HOSTILE_NAME


def test_a_newline_in_a_label_cannot_forge_a_table_row(hostile: Path) -> None:
    result = run("--data", str(hostile), "who-met", "Zhang", "Ming")
    lines = result.stdout.decode("utf-8").splitlines()
    assert not any(line.startswith("2099-01-01") for line in lines)
    assert any("Ruth Row\\n2099-01-01" in line for line in lines)
    rows = [line for line in lines if line[:4].isdigit()]
    assert len(rows) == 3  # Japarov, Eve and Ruth: one row each


def test_a_terminal_gets_escapes_shown_not_run(hostile: Path) -> None:
    leader, follower = pty.openpty()
    env = {**os.environ, "COLUMNS": "200", "TERM": "xterm"}
    process = subprocess.Popen(
        [sys.executable, "-m", "sco_graph", "--data", str(hostile), "show", "Eve"],
        stdout=follower, stderr=subprocess.PIPE, env=env,
    )  # fmt: skip
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    assert process.wait(timeout=60) == ExitCode.OK
    text = b"".join(chunks).decode("utf-8", "replace")
    assert "Eve\\x1b[2J" in text
    # rich's own styling uses ESC; the data's must not: no clear-screen, hyperlink or bell from the data
    for sequence in ("\x1b[2J", "\x1b]8;;", "\x07", "\u202e", "\x9b"):
        assert sequence not in text


def test_errors_naming_hostile_input_stay_one_clean_line(hostile: Path) -> None:
    result = run("--data", str(hostile), "who-met", f"Nobody{FORGED_ROW}\x1b[2J")
    assert result.returncode == ExitCode.UNKNOWN_NAME
    assert_one_clean_line(result.stderr)


@pytest.mark.parametrize("fmt", ["turtle", "ntriples", "jsonld", "csv", "dot"])
def test_text_exports_carry_no_raw_controls_and_read_back(hostile: Path, tmp_path: Path, fmt: str) -> None:
    result = run("--data", str(hostile), "--no-bundled", "export", "-f", fmt)
    assert result.returncode == ExitCode.OK, result.stderr
    text = result.stdout.decode("utf-8")
    assert_no_raw_controls(text)
    if fmt in ("turtle", "ntriples", "jsonld"):
        suffix = {"turtle": ".ttl", "ntriples": ".nt", "jsonld": ".jsonld"}[fmt]
        again = tmp_path / f"again{suffix}"
        again.write_text(text, encoding="utf-8")
        back = run("--no-bundled", "--data", str(again), "show", "Eve", "--format", "json")
        assert back.returncode == ExitCode.OK, back.stderr
        assert json.loads(back.stdout)["entity"]["name"] == HOSTILE_NAME  # the data is unchanged


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_xml_exports_stay_well_formed(hostile: Path, tmp_path: Path, fmt: str) -> None:
    target = tmp_path / f"graph.{fmt}"
    result = run("--data", str(hostile), "export", "-o", str(target))
    assert result.returncode == ExitCode.OK, result.stderr
    root = ET.parse(target).getroot()  # raises on invalid XML
    texts = " ".join(value for element in root.iter() for value in [*element.attrib.values(), element.text or ""])
    assert "Eve\\x1b[2J" in texts
    assert_no_raw_controls(target.read_text(encoding="utf-8"))
