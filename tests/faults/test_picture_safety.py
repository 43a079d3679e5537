"""Pictures are safe whatever the labels hold, and never clobber what is at the output path.

Labels come from data: mathtext (``$...$``), terminal escapes, NUL, line breaks,
bidirectional overrides, XML and HTML syntax. Every picture must still be
written, be valid, show the label as escaped text, and hold no raw control
character. An output path that exists is only replaced with ``force``; a
folder, a FIFO or a device never is.
"""

from __future__ import annotations

import html
import json
import os
import re
import subprocess
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest

from sco_graph import api, draw, queries
from sco_graph.errors import ExitCode, StorageError, UsageError
from sco_graph.model import TURTLE_PREFIXES
from tests.conftest import Invoke
from tests.test_draw import chromium

HOSTILE = {
    "math": "$\\frac{1}{$ Fraction",
    "clear": "\x1b[2J Clear",
    "bell": "Bell\x07 Ringer",
    "cdata": "Cdata ]]> End",
    "script": "<script>alert(1)</script> Writer",
    "amp": "Tom & Jerry",
    "lines": "Two\nLines",
    "rtl": "\u202eReversed",
    "nul": "Nul\x00 Byte",
    "comment": "<!-- Comment",
    "separator": "Line\u2028Separator",
}
# What each label must look like in a picture: control characters as visible escapes.
SHOWN = {
    "math": "$\\frac{1}{$ Fraction",
    "clear": "\\x1b[2J Clear",
    "bell": "Bell\\x07 Ringer",
    "nul": "Nul\\x00 Byte",
    "lines": "Two\\nLines",
    "rtl": "\\u202eReversed",
    "separator": "Line\\u2028Separator",
}
RAW_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def turtle_string(text: str) -> str:
    escaped = []
    for char in text:
        if char in '"\\':
            escaped.append("\\" + char)
        elif RAW_CONTROLS.match(char) or char in "\n\r\t":
            escaped.append(f"\\u{ord(char):04X}")
        else:
            escaped.append(char)
    return '"' + "".join(escaped) + '"'


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Everyone with a hostile name met "Host" on one day; "Host" then met "Guest" on another."""
    path = tmp_path_factory.mktemp("hostile") / "hostile.ttl"
    people = {"host": "Host", "guest": "Guest", **HOSTILE}
    parts = [
        TURTLE_PREFIXES,
        'src:s0 a sco:Article ; schema:headline "$x$ \\u001B[31m" ; schema:publisher "<b>Wire</b> & Co" ; '
        'schema:datePublished "2024-01-01"^^xsd:date .\n',
    ]
    for key, name in people.items():
        parts.append(
            f"e:{key} a sco:Person ; rdfs:label {turtle_string(name)} ; "
            f"sco:evidence [ sco:source src:s0 ; sco:quote {turtle_string(name)} ] .\n"
        )
    label, quote = turtle_string("$a$ meeting ]]> <i>"), turtle_string("met $b$ ]]> \x1b")
    hostiles = ", ".join(f"e:{key}" for key in HOSTILE)
    parts.append(
        f'ev:m1 a sco:Meeting ; rdfs:label {label} ; sco:date "2020-01-01"^^xsd:date ; '
        f"sco:participant e:host, {hostiles} ; sco:evidence [ sco:source src:s0 ; sco:quote {quote} ] .\n"
        'ev:m2 a sco:Meeting ; rdfs:label "Second" ; sco:date "2021-05"^^xsd:gYearMonth ; '
        'sco:participant e:host, e:guest ; sco:evidence [ sco:source src:s0 ; sco:quote "again" ] .\n'
    )
    path.write_text("".join(parts), encoding="utf-8")
    return path


def wrote(result: Any, path: Path) -> str:
    """The picture's text, after checking the run: exit 0, one clean stderr line, nothing raw inside."""
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1, lines  # "wrote ...": no font warnings about control characters
    assert lines[0].startswith("sco-graph: wrote ")
    data = path.read_bytes()
    if path.suffix == ".png":
        assert data.startswith(b"\x89PNG\r\n\x1a\n")
        return ""
    text = data.decode("utf-8")
    assert not RAW_CONTROLS.search(text), RAW_CONTROLS.findall(text)
    return text


def svg_text(path: Path) -> str:
    """Every piece of text the SVG shows, as an XML parser reads it."""
    root = ElementTree.parse(path).getroot()
    return "\n".join("".join(element.itertext()) for element in root.iter() if element.tag.endswith("text"))


def page_data(text: str) -> Any:
    scripts = re.findall(r"<script[^>]*>(.*?)</script>", text, re.S)
    assert len(scripts) == 4  # error guard, data, bundled library, drawing code: nothing closed the data early
    assert "<!--" not in scripts[1]
    assert "<" not in scripts[1]
    return json.loads(scripts[1])


def hostile_cli(cli: Invoke, data: Path, *args: str) -> Any:
    return cli("--no-bundled", "--data", str(data), *args)


def test_draw_svg_shows_hostile_labels_as_escaped_text(cli: Invoke, hostile: Path, tmp_path: Path) -> None:
    path = tmp_path / "host.svg"
    wrote(hostile_cli(cli, hostile, "draw", "Host", "--output", str(path)), path)
    shown = svg_text(path)
    for label in [*SHOWN.values(), "Cdata ]]> End", "<script>alert(1)</script> Writer", "Tom & Jerry", "<!-- Comment"]:
        assert label in shown, label


@pytest.mark.parametrize("suffix", [".png", ".html"])
def test_draw_png_and_html_survive_hostile_labels(cli: Invoke, hostile: Path, tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"host{suffix}"
    text = wrote(hostile_cli(cli, hostile, "draw", "Host", "--depth", "2", "--output", str(path)), path)
    if suffix == ".html":
        data = page_data(text)
        labels = {node["label"] for node in data["nodes"]}
        assert labels >= {*SHOWN.values(), "<!-- Comment", "<script>alert(1)</script> Writer", "Tom & Jerry"}
        assert {edge["sources"] for edge in data["edges"]} == {"[<b>Wire</b> & Co, 2024-01-01]"}


@pytest.mark.parametrize("suffix", [".svg", ".png", ".html"])
def test_a_path_between_hostile_names_draws(cli: Invoke, hostile: Path, tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"path{suffix}"
    text = wrote(hostile_cli(cli, hostile, "path", HOSTILE["clear"], "Guest", "--output", str(path)), path)
    if suffix == ".svg":
        assert SHOWN["clear"] in svg_text(path)
    if suffix == ".html":
        assert SHOWN["clear"] in {node["label"] for node in page_data(text)["nodes"]}


@pytest.mark.parametrize("suffix", [".svg", ".png"])
def test_a_timeline_of_hostile_names_draws(cli: Invoke, hostile: Path, tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"timeline{suffix}"
    wrote(hostile_cli(cli, hostile, "timeline", HOSTILE["math"], HOSTILE["rtl"], "--output", str(path)), path)
    if suffix == ".svg":
        shown = svg_text(path)
        assert SHOWN["math"] in shown
        assert SHOWN["rtl"] in shown


# ------------------------------------------------------------------ where pictures go
def refused(result: Any, code: ExitCode = ExitCode.USAGE) -> str:
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith("sco-graph: error: ")
    return str(lines[0])


PICTURE_COMMANDS = [
    ["draw", "CIS"],
    ["path", "Terhi Hakala", "Sadyr Japarov"],
    ["timeline", "SCO"],
]


@pytest.mark.parametrize("command", PICTURE_COMMANDS)
def test_an_existing_file_is_not_replaced_without_force(cli: Invoke, tmp_path: Path, command: list[str]) -> None:
    path = tmp_path / "mine.svg"
    path.write_bytes(b"my own work")
    line = refused(cli(*command, "--output", str(path)))
    assert "exists; use --force to overwrite it" in line
    assert path.read_bytes() == b"my own work"
    assert sorted(tmp_path.iterdir()) == [path]


def special_paths(tmp_path: Path) -> list[tuple[Path, str]]:
    folder = tmp_path / "folder.svg"
    folder.mkdir()
    fifo = tmp_path / "fifo.svg"
    os.mkfifo(fifo)
    found = [(folder, "is a folder"), (fifo, "is a named pipe")]
    if Path("/dev/null").exists():
        link = tmp_path / "device.svg"
        link.symlink_to("/dev/null")
        found.append((link, "is a device"))
    return found


@pytest.mark.parametrize("command", PICTURE_COMMANDS)
def test_a_folder_fifo_or_device_is_never_a_picture(cli: Invoke, tmp_path: Path, command: list[str]) -> None:
    specials = special_paths(tmp_path)
    for path, reason in specials:
        assert reason in refused(cli(*command, "--output", str(path)))
    assert {entry.name for entry in tmp_path.iterdir()} == {path.name for path, _ in specials}
    assert list((tmp_path / "folder.svg").iterdir()) == []
    assert (tmp_path / "fifo.svg").is_fifo()


def test_a_missing_folder_is_reported_before_drawing(cli: Invoke, tmp_path: Path) -> None:
    line = refused(cli("draw", "CIS", "--output", str(tmp_path / "nowhere" / "x.svg")), ExitCode.IO_ERROR)
    assert "no such folder" in line
    assert list(tmp_path.iterdir()) == []


def test_force_replaces_a_file_but_never_a_folder_fifo_or_device(tmp_path: Path) -> None:
    graph = api.open_graph()
    _, edges = queries.network_edges(graph, ["CIS"])
    network = draw.network_of(edges)
    path = tmp_path / "old.svg"
    path.write_bytes(b"old")
    with pytest.raises(UsageError, match="exists"):
        draw.draw_network(network, path, "CIS")
    assert path.read_bytes() == b"old"
    picture = draw.draw_network(network, path, "CIS", force=True)
    assert picture.nodes == network.number_of_nodes()
    assert ElementTree.parse(path).getroot().tag.endswith("svg")
    timeline = queries.timeline(graph, ["SCO"])
    draw.draw_timeline(timeline, path, force=True)
    for special, reason in special_paths(tmp_path):
        with pytest.raises(UsageError, match=reason):
            draw.draw_network(network, special, "CIS", force=True)
        with pytest.raises(UsageError, match=reason):
            draw.draw_timeline(timeline, special, force=True)
    assert sorted(entry.name for entry in tmp_path.iterdir()) == ["device.svg", "fifo.svg", "folder.svg", "old.svg"]
    with pytest.raises(StorageError, match="no such folder"):
        draw.check_output(tmp_path / "missing" / "x.png", force=True)


def test_a_browser_draws_every_hostile_label_as_text(cli: Invoke, hostile: Path, tmp_path: Path) -> None:
    path = tmp_path / "host.html"
    nodes = len(page_data(wrote(hostile_cli(cli, hostile, "draw", "Host", "--output", str(path)), path))["nodes"])
    command = [chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync",
               f"--user-data-dir={tmp_path / 'profile'}", "--virtual-time-budget=5000", "--dump-dom",
               path.as_uri()]  # fmt: skip
    dom = subprocess.run(command, capture_output=True, text=True, timeout=120, check=True).stdout
    assert f'data-drawn="{nodes}"' in dom  # the page's script ran to its end: the data parsed
    assert 'data-errors="0"' in dom
    assert nodes == len(HOSTILE) + 2
    assert dom.count("<script") == 4
    outside_scripts = re.sub(r"<script[^>]*>.*?</script>", "", dom, flags=re.S)
    assert "<script>alert" not in outside_scripts  # no label became markup
    assert "<b>" not in outside_scripts
    drawn = {html.unescape(label) for label in re.findall(r'class="node-label"[^>]*>([^<]*)<', dom)}
    assert drawn >= {*SHOWN.values(), "<script>alert(1)</script> Writer", "Tom & Jerry", "<!-- Comment"}
