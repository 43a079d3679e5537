"""Pictures: valid SVG, PNG and self-contained HTML that a real browser draws."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from xml.etree import ElementTree

import pytest

import sco_graph
from sco_graph.errors import ExitCode
from sco_graph.model import TURTLE_PREFIXES

from .conftest import Invoke

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def draw(cli: Invoke, *args: str) -> None:
    result = cli(*args)
    assert result.exit_code == 0, result.output
    assert "wrote" in result.stderr


def test_draw_svg_parses_as_xml(cli: Invoke, tmp_path: Path) -> None:
    path = tmp_path / "csto.svg"
    draw(cli, "draw", "CSTO", "--depth", "2", "--output", str(path))
    root = ElementTree.parse(path).getroot()
    assert root.tag.endswith("svg")
    assert "Collective Security Treaty Organisation" in path.read_text(encoding="utf-8")


def test_draw_png_has_the_png_signature(cli: Invoke, tmp_path: Path) -> None:
    path = tmp_path / "whole.png"
    draw(cli, "draw", "--output", str(path))
    assert path.read_bytes().startswith(PNG_SIGNATURE)


class _Page(HTMLParser):
    """Collects what a page references and checks that every tag is closed."""

    def __init__(self) -> None:
        super().__init__()
        self.open: list[str] = []
        self.references: list[str] = []
        self.void = {"meta", "link", "br", "img", "input", "hr"}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.references += [value or "" for name, value in attrs if name in ("src", "href")]
        if tag not in self.void:
            self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.open and self.open[-1] == tag, f"</{tag}> closes <{self.open[-1] if self.open else None}>"
        self.open.pop()


def page_data(path: Path) -> dict[str, list[dict[str, object]]]:
    text = path.read_text(encoding="utf-8")
    match = re.search(r'<script type="application/json" id="graph-data">(.*?)</script>', text, re.S)
    assert match
    return json.loads(match.group(1))  # type: ignore[no-any-return]


def test_draw_html_is_well_formed_and_references_nothing_remote(cli: Invoke, tmp_path: Path) -> None:
    path = tmp_path / "zhang.html"
    draw(cli, "draw", "Zhang", "Ming", "--depth", "2", "--output", str(path))
    parser = _Page()
    text = path.read_text(encoding="utf-8")
    parser.feed(text)
    parser.close()
    assert parser.open == []
    assert parser.references == []
    assert "Content-Security-Policy\" content=\"default-src 'none';" in text  # the browser refuses any request
    library = (Path(sco_graph.__file__).parent / "vendor" / "vis-network.min.js").read_text(encoding="utf-8")
    assert text.count(library) == 1  # bundled whole; the page's own code outside it fetches nothing
    assert not re.search(r"\b(src|href)\s*=|@import|url\(|fetch\(|XMLHttpRequest", text.replace(library, ""))
    data = page_data(path)
    assert {node["label"] for node in data["nodes"]} >= {"Zhang Ming", "Sadyr Japarov"}
    assert all(edge["sources"] for edge in data["edges"])


def chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    raise AssertionError("headless Chromium is needed: `make test` installs Debian's chromium package")


def test_a_headless_browser_draws_every_node(cli: Invoke, tmp_path: Path) -> None:
    path = tmp_path / "csto.html"
    draw(cli, "draw", "CSTO", "--depth", "2", "--output", str(path))
    nodes = len(page_data(path)["nodes"])
    command = [chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync",
               f"--user-data-dir={tmp_path / 'profile'}", "--virtual-time-budget=5000", "--dump-dom",
               path.as_uri()]  # fmt: skip
    dom = subprocess.run(command, capture_output=True, text=True, timeout=120, check=True).stdout
    assert dom.count('class="node-label"') == nodes > 5
    assert f'data-drawn="{nodes}"' in dom  # vis-network placed every entity
    assert 'data-errors="0"' in dom
    assert 'data-overlaps="0"' in dom


def test_timeline_draws_a_chart(cli: Invoke, tmp_path: Path) -> None:
    svg, png = tmp_path / "t.svg", tmp_path / "t.png"
    draw(cli, "timeline", "SCO", "--output", str(svg))
    draw(cli, "timeline", "--output", str(png))
    assert ElementTree.parse(svg).getroot().tag.endswith("svg")
    assert png.read_bytes().startswith(PNG_SIGNATURE)


def test_path_draws_the_path(cli: Invoke, tmp_path: Path) -> None:
    path = tmp_path / "p.svg"
    draw(cli, "path", "Terhi Hakala", "Sadyr Japarov", "--output", str(path))
    text = path.read_text(encoding="utf-8")
    assert "Terhi Hakala" in text
    assert "Sadyr Japarov" in text


def test_drawing_is_deterministic(cli: Invoke, tmp_path: Path) -> None:
    first, second = tmp_path / "a.svg", tmp_path / "b.svg"
    draw(cli, "draw", "CIS", "--output", str(first))
    draw(cli, "draw", "CIS", "--output", str(second))
    assert first.read_bytes() == second.read_bytes()


@pytest.mark.parametrize(
    "args",
    [
        ["draw", "CSTO"],
        ["draw", "CSTO", "--output", "picture.txt"],
        ["draw", "CSTO", "--depth", "7", "--output", "x.svg"],
        ["timeline", "--output", "chart.html"],
        ["path", "CIS", "CSTO", "--output", "p.pdf"],
        ["draw", "Nobody Here", "--output", "x.svg"],
    ],
)
def test_bad_picture_requests_fail_cleanly(cli: Invoke, args: list[str]) -> None:
    result = cli(*args)
    assert result.exit_code in (ExitCode.USAGE, ExitCode.UNKNOWN_NAME)
    assert result.stderr.startswith("sco-graph: error: ")
    assert "Traceback" not in result.output


def test_a_timeline_from_the_first_to_the_last_day_of_the_calendar_draws(cli: Invoke, tmp_path: Path) -> None:
    evidence = 'sco:evidence [ sco:source src:s0 ; sco:quote "q" ]'
    data = tmp_path / "edges.ttl"
    data.write_text(
        TURTLE_PREFIXES
        + 'src:s0 a sco:Article ; schema:publisher "W" ; schema:datePublished "2024-01-01"^^xsd:date .\n'
        + "".join(f'e:{key} a sco:Person ; rdfs:label "{key.title()}" ; {evidence} .\n' for key in ("ann", "bob"))
        + "".join(
            f"ev:{key} a sco:Meeting ; sco:date {date} ; sco:participant e:ann, e:bob ; {evidence} .\n"
            for key, date in (("first", '"0001-01-01"^^xsd:date'), ("last", '"9999"^^xsd:gYear'))
        ),
        encoding="utf-8",
    )
    for name in ("span.svg", "span.png"):
        draw(cli, "--no-bundled", "--data", str(data), "timeline", "Ann", "--output", str(tmp_path / name))
    root = ElementTree.parse(tmp_path / "span.svg").getroot()
    shown = [" ".join(element.itertext()) for element in root.iter() if element.tag.endswith("text")]
    assert any(text.startswith("Timeline of Ann") for text in shown)
    assert any(text.startswith("9") for text in shown)  # the axis reaches the last millennium


def test_a_picture_never_replaces_an_existing_file(cli: Invoke, tmp_path: Path) -> None:
    path = tmp_path / "kept.png"
    path.write_bytes(b"mine")
    result = cli("draw", "CIS", "--output", str(path))
    assert result.exit_code == ExitCode.USAGE
    assert result.stderr == f"sco-graph: error: {path} exists; use --force to overwrite it\n"
    assert path.read_bytes() == b"mine"
