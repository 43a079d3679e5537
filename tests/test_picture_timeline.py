"""Timeline charts, as headless Chromium lays them out: every event named, no two texts overlapping,
no tick label repeated, over spans from a week to three decades."""

from __future__ import annotations

import datetime as dt
import html
import json
import re
import subprocess
from pathlib import Path

import pytest

from sco_graph.errors import ExitCode
from sco_graph.model import TURTLE_PREFIXES
from sco_graph.picture_timeline import rows_for, tick_texts

from .conftest import Invoke
from .test_draw import chromium, draw

MEASURE = """
const found = {};
for (const picture of document.querySelectorAll("div[data-name]")) {
  found[picture.dataset.name] = [...picture.querySelectorAll("text")].map((text) => {
    const box = text.getBoundingClientRect();
    return {text: text.textContent, tick: text.closest('g[id^="xtick_"]') !== null,
            box: [box.left, box.top, box.right, box.bottom]};
  });
}
document.getElementById("boxes").textContent = JSON.stringify(found);
"""

Box = dict[str, object]


def measure(pictures: dict[str, Path], folder: Path) -> dict[str, list[Box]]:
    """Every <text> element's box in each SVG, as headless Chromium lays the SVG out."""
    texts = {name: path.read_text(encoding="utf-8") for name, path in pictures.items()}
    body = "".join(f'<div data-name="{name}">{text[text.index("<svg") :]}</div>' for name, text in texts.items())
    page = folder / "measure.html"
    page.write_text(f'<!DOCTYPE html><html><body>{body}<pre id="boxes"></pre><script>{MEASURE}</script></body></html>')
    command = [chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync",
               f"--user-data-dir={folder / 'profile'}", "--dump-dom", page.as_uri()]  # fmt: skip
    dom = subprocess.run(command, capture_output=True, text=True, timeout=120, check=True).stdout
    match = re.search(r'<pre id="boxes">(.*?)</pre>', dom, re.S)
    assert match and match.group(1), dom[-2000:]
    return json.loads(html.unescape(match.group(1)))  # type: ignore[no-any-return]


def overlaps(boxes: list[Box]) -> list[tuple[str, str]]:
    """The pairs of texts whose boxes share more than half a pixel each way."""
    drawn = [(str(b["text"]), [float(v) for v in b["box"]]) for b in boxes if b["text"]]  # type: ignore[attr-defined]
    return [
        (first, second)
        for number, (first, a) in enumerate(drawn)
        for second, b in drawn[number + 1 :]
        if min(a[2], b[2]) - max(a[0], b[0]) > 0.5 and min(a[3], b[3]) - max(a[1], b[1]) > 0.5
    ]


def synthetic(folder: Path, name: str, days: list[dt.date]) -> Path:
    """A small dataset: Ann meets someone on each day given (two people a day, so labels crowd)."""
    evidence = 'sco:evidence [ sco:source src:s0 ; sco:quote "q" ]'
    people = ["ann", *(f"p{number}" for number in range(2 * len(days)))]
    lines = [
        TURTLE_PREFIXES,
        'src:s0 a sco:Article ; schema:publisher "W" ; schema:datePublished "2024-01-01"^^xsd:date .\n',
    ]
    lines += [f'e:{key} a sco:Person ; rdfs:label "Person {key.title()}" ; {evidence} .\n' for key in people]
    lines += [
        f'ev:m{number} a sco:Meeting ; sco:date "{day.isoformat()}"^^xsd:date ; '
        f"sco:participant e:ann, e:p{number} ; {evidence} .\n"
        for number, day in enumerate(days + days)
    ]
    path = folder / f"{name}.ttl"
    path.write_text("".join(lines), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def laid_out(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[Box]]:
    from typer.testing import CliRunner

    cli = Invoke(CliRunner())
    folder = tmp_path_factory.mktemp("timelines")
    week = synthetic(folder, "week", [dt.date(2024, 3, 4) + dt.timedelta(days=n) for n in range(7)])
    decades = synthetic(folder, "decades", [dt.date(1994 + n, 1 + n % 12, 1 + n % 28) for n in range(0, 31, 3)])
    requests = {
        "csto": ["timeline", "CSTO"],
        "all": ["timeline"],
        "zhang": ["timeline", "Zhang", "Ming"],
        "week": ["--no-bundled", "--data", str(week), "timeline", "Person Ann"],
        "decades": ["--no-bundled", "--data", str(decades), "timeline", "Person Ann"],
    }
    pictures = {name: folder / f"{name}.svg" for name in requests}
    for name, args in requests.items():
        draw(cli, *args, "--output", str(pictures[name]))
    return measure(pictures, folder)


PICTURES = ["csto", "all", "zhang", "week", "decades"]


@pytest.mark.parametrize("name", PICTURES)
def test_no_two_texts_overlap(laid_out: dict[str, list[Box]], name: str) -> None:
    boxes = laid_out[name]
    assert len(boxes) > 5
    assert overlaps(boxes) == []


@pytest.mark.parametrize("name", PICTURES)
def test_tick_labels_never_repeat(laid_out: dict[str, list[Box]], name: str) -> None:
    ticks = [str(box["text"]) for box in laid_out[name] if box["tick"] and box["text"]]
    assert len(ticks) >= 3
    assert len(ticks) == len(set(ticks)), ticks


def test_every_event_is_named_with_its_date_and_people(laid_out: dict[str, list[Box]]) -> None:
    texts = {str(box["text"]) for box in laid_out["zhang"]}
    assert "2023-05-11 Sadyr Japarov – Zhang Ming" in texts or "2023-05-11 Zhang Ming – Sadyr Japarov" in texts
    week = [str(box["text"]) for box in laid_out["week"] if not box["tick"] and str(box["text"]).startswith("2024-")]
    assert len(week) == 14  # two meetings a day, each named
    assert all(
        re.fullmatch(r"2024-03-\d\d Person Ann – Person P\d+|2024-03-\d\d Person P\d+ – Person Ann", t) for t in week
    )


def test_ticks_suit_the_span(laid_out: dict[str, list[Box]]) -> None:
    week = [str(box["text"]) for box in laid_out["week"] if box["tick"] and box["text"]]
    decades = [str(box["text"]) for box in laid_out["decades"] if box["tick"] and box["text"]]
    assert all(re.fullmatch(r"2024-03-\d\d", tick) for tick in week), week  # days
    assert all(re.fullmatch(r"\d{4}", tick) for tick in decades), decades  # years


def test_a_timeline_draws_the_same_bytes_twice(cli: Invoke, tmp_path: Path) -> None:
    first, second = tmp_path / "a.svg", tmp_path / "b.svg"
    draw(cli, "timeline", "SCO", "--output", str(first))
    draw(cli, "timeline", "SCO", "--output", str(second))
    assert first.read_bytes() == second.read_bytes()


def test_a_chart_too_crowded_to_label_is_refused_in_one_line(cli: Invoke, tmp_path: Path) -> None:
    data = synthetic(tmp_path, "crowd", [dt.date(2024, 3, 4)] * 800)
    result = cli("--no-bundled", "--data", str(data), "timeline", "Person Ann", "--output", str(tmp_path / "c.svg"))
    assert result.exit_code == ExitCode.USAGE, result.output
    assert result.stderr.startswith("sco-graph: error: too many events to label")
    assert not (tmp_path / "c.svg").exists()


def test_overlaps_finds_texts_that_share_room() -> None:
    boxes: list[Box] = [{"text": "a", "box": [0, 0, 10, 10]}, {"text": "b", "box": [9, 9, 20, 20]}]
    assert overlaps(boxes) == [("a", "b")]
    assert overlaps([boxes[0], {"text": "c", "box": [10, 0, 20, 10]}]) == []


def test_rows_clear_each_other_and_reuse_free_room() -> None:
    assert rows_for([(0, 100), (50, 150), (200, 300), (105, 180)]) == [0, 1, 0, 2]
    assert rows_for([]) == []


def test_tick_texts_are_as_precise_as_needed() -> None:
    assert tick_texts([dt.date(2000, 1, 1), dt.date(2010, 1, 1)]) == ["2000", "2010"]
    assert tick_texts([dt.date(2018, 5, 1), dt.date(2018, 7, 1)]) == ["2018-05", "2018-07"]
    assert tick_texts([dt.date(1, 1, 1), dt.date(1, 1, 8)]) == ["0001-01-01", "0001-01-08"]
    assert tick_texts([dt.date(2018, 5, 2), dt.date(2018, 5, 2)]) == ["2018-05-02", ""]
