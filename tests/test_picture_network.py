"""Network and path pictures as a browser lays them out: no two labels overlap."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest

from sco_graph.colours import COLOURS

from .conftest import Invoke
from .test_draw import chromium, draw

_MEASURE = """<!DOCTYPE html><html><head><meta charset="utf-8"></head><body>%s
<pre id="boxes"></pre><script>
const boxes = [...document.querySelectorAll('svg text')].map(text => {
  const r = text.getBoundingClientRect();
  const weight = getComputedStyle(text).fontWeight;
  return {text: text.textContent, left: r.left, top: r.top, right: r.right, bottom: r.bottom, weight: weight};
});
document.getElementById('boxes').textContent = JSON.stringify(boxes);
</script></body></html>
"""


def text_boxes(svg: Path, work: Path) -> list[dict[str, object]]:
    """Every <text> element's box as headless Chromium lays out the SVG inline in a page."""
    markup = re.sub(r"<\?xml[^>]*\?>|<!DOCTYPE[^>]*>", "", svg.read_text(encoding="utf-8"))
    page = work / (svg.stem + "-measure.html")
    page.write_text(_MEASURE % markup, encoding="utf-8")
    command = [chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync",
               f"--user-data-dir={work / 'profile'}", "--dump-dom", page.as_uri()]  # fmt: skip
    dom = subprocess.run(command, capture_output=True, text=True, timeout=120, check=True).stdout
    match = re.search(r'<pre id="boxes">(.*?)</pre>', dom, re.S)
    assert match, dom[-2000:]
    import html

    return json.loads(html.unescape(match.group(1)))  # type: ignore[no-any-return]


def overlaps(boxes: list[dict[str, object]]) -> list[tuple[str, str]]:
    """The pairs of non-empty labels whose boxes share more than a hair (0.5 px each way)."""
    shown = [box for box in boxes if str(box["text"]).strip()]
    found = []
    for index, one in enumerate(shown):
        for other in shown[index + 1 :]:
            wide = min(float(one["right"]), float(other["right"])) - max(float(one["left"]), float(other["left"]))  # type: ignore[arg-type]
            tall = min(float(one["bottom"]), float(other["bottom"])) - max(float(one["top"]), float(other["top"]))  # type: ignore[arg-type]
            if wide > 0.5 and tall > 0.5:
                found.append((str(one["text"]), str(other["text"])))
    return found


PICTURES = {
    "ego": ["draw", "Mirzaev", "--depth", "2"],
    "csto": ["draw", "CSTO", "--depth", "2"],
    "whole": ["draw"],
    "path": ["path", "Terhi Hakala", "Sadyr Japarov"],
}


def drawn(cli: Invoke, tmp_path: Path, name: str) -> tuple[Path, list[dict[str, object]]]:
    path = tmp_path / f"{name}.svg"
    draw(cli, *PICTURES[name], "--output", str(path))
    return path, text_boxes(path, tmp_path)


@pytest.mark.parametrize("name", sorted(PICTURES))
def test_no_two_labels_overlap_as_a_browser_lays_them_out(cli: Invoke, tmp_path: Path, name: str) -> None:
    path, boxes = drawn(cli, tmp_path, name)
    assert len(boxes) > 10
    assert overlaps(boxes) == []
    shown = {str(box["text"]) for box in boxes}
    assert "person" in shown  # the legend names the types drawn
    assert "Shanghai Cooperation Organisation" in shown  # entity labels are real text, never dropped
    assert "Shanghai Cooperation Organisation" in path.read_text(encoding="utf-8")


def test_the_ego_entity_is_the_one_bold_entity(cli: Invoke, tmp_path: Path) -> None:
    _, boxes = drawn(cli, tmp_path, "ego")
    bold = [box for box in boxes if int(str(box["weight"])) >= 700]
    title, *labels = sorted(bold, key=lambda box: float(box["top"]))  # type: ignore[arg-type]
    assert [str(box["text"]) for box in labels] == ["Ruslan Mirzaev"]
    assert str(title["text"]) == "Ruslan Mirzaev"


def test_a_path_reads_on_one_line_from_start_to_end(cli: Invoke, tmp_path: Path) -> None:
    path, boxes = drawn(cli, tmp_path, "path")
    order = ["Terhi Hakala", "Ruslan Mirzaev", "SCO RATS Executive Committee", "Shanghai Cooperation Organisation",
             "Zhang Ming", "Sadyr Japarov"]  # fmt: skip
    at = {str(box["text"]): box for box in boxes}
    lefts = [float(at[name]["left"]) for name in order]  # type: ignore[arg-type]
    assert lefts == sorted(lefts)
    middles = [(float(at[name]["top"]) + float(at[name]["bottom"])) / 2 for name in order]  # type: ignore[arg-type]
    assert max(middles) - min(middles) < 10  # every entity label just under the one line (the ends' are larger)
    # Arrow heads (filled grey) for the four directed steps, and the legend's: "met" is symmetric, so it has none.
    assert path.read_text(encoding="utf-8").count("fill: #8a8a8a") == 5


def test_every_type_has_its_own_colour() -> None:
    assert len(set(COLOURS.values())) == len(COLOURS)


def test_a_path_picture_is_deterministic(cli: Invoke, tmp_path: Path) -> None:
    first, second = tmp_path / "a.svg", tmp_path / "b.png"
    for output in (first, second, tmp_path / "c.svg", tmp_path / "d.png"):
        draw(cli, *PICTURES["path"], "--output", str(output))
    assert first.read_bytes() == (tmp_path / "c.svg").read_bytes()
    assert second.read_bytes() == (tmp_path / "d.png").read_bytes()
