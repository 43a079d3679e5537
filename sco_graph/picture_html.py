"""The interactive HTML page: one self-contained file drawn by the bundled vis-network.

The page carries its data as JSON and the vis-network library (``sco_graph/vendor``,
version and licence in the README) inline, so it works offline; its
Content-Security-Policy forbids every request, so it also cannot load anything.
It has a legend of types, a search box, dragging, a tooltip on hover, a panel with
a relation's sources and quotes on click, filters by type and a date slider
(relations that do not hold by the chosen day are hidden), and arrows on directed
relations.

Positions come from sco-graph's layout; once vis-network has measured the labels,
the page pushes apart any two entities whose boxes (dot and label) meet, so no
two labels overlap. Labels are data and may be hostile: the page only ever
writes them with ``textContent`` or draws them on the canvas, never as markup.
"""

from __future__ import annotations

import functools
import html
import json
from pathlib import Path
from typing import TYPE_CHECKING

from sco_graph.colours import COLOURS, OTHER_COLOUR
from sco_graph.escape import json_text, visible, xml_text

if TYPE_CHECKING:
    import networkx as nx

VENDOR = Path(__file__).parent / "vendor"
LIBRARY = "vis-network.min.js"
EDGE_PIXELS = 150.0  # a relation's typical length on the page, before labels are pushed apart
POLICY = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:; font-src data:"


def _text(label: object) -> str:
    return xml_text(visible(str(label)))


def script_json(value: object) -> str:
    """JSON to embed in a ``<script>`` element: no ``</script>``, ``<!--`` or raw line separators can occur.

    ``<``, ``>`` and ``&`` only ever appear inside JSON strings, where ``\\u003c`` and
    friends are the same characters to ``JSON.parse`` but nothing to an HTML parser.
    """
    encoded = json_text(json.dumps(value, ensure_ascii=False))
    return encoded.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


@functools.cache
def _library() -> str:
    """The bundled vis-network, safe to inline: nothing in it can end its ``<script>`` element."""
    code = (VENDOR / LIBRARY).read_text(encoding="utf-8")
    return code.replace("</script", "<\\/script").replace("<!--", "<\\!--")


def _strings(value: object) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [_text(value)]
    if isinstance(value, (list, tuple)):
        return [_text(item) for item in value]
    return [_text(value)]


def _optional(value: object) -> str | None:
    return None if value is None or value == "" else _text(value)


def _scale(network: nx.MultiDiGraph[str], positions: dict[str, tuple[float, float]]) -> float:
    """The factor that makes the layout's median relation ``EDGE_PIXELS`` long, whatever units it came in."""
    lengths = sorted(
        ((positions[a][0] - positions[b][0]) ** 2 + (positions[a][1] - positions[b][1]) ** 2) ** 0.5
        for a, b in network.edges()
        if a != b
    )
    median = lengths[len(lengths) // 2] if lengths else 0.0
    return EDGE_PIXELS / median if median > 0 else EDGE_PIXELS


def _packed(
    network: nx.MultiDiGraph[str], positions: dict[str, tuple[float, float]], scale: float
) -> dict[str, tuple[float, float]]:
    """Pixel positions (y down): each connected part keeps its shape, the parts set in rows side by side.

    A layout may fling a small unlinked part far off; packed, every part stays near
    the others and the page opens at a scale where labels can be read.
    """
    import networkx as nx

    parts = sorted(
        (sorted(part) for part in nx.connected_components(nx.Graph(network))), key=lambda part: (-len(part), part)
    )
    boxes = []
    for part in parts:
        xs = [positions[node][0] * scale for node in part]
        ys = [-positions[node][1] * scale for node in part]
        boxes.append((part, min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys)))
    margin = EDGE_PIXELS
    row_width = max((width for *_, width, _ in boxes), default=0.0)
    row_width = max(row_width, sum((w + margin) * (h + margin) for *_, w, h in boxes) ** 0.5)
    placed: dict[str, tuple[float, float]] = {}
    x = y = row_height = 0.0
    for part, left, top, width, height in boxes:
        if x > 0 and x + width > row_width:
            x, y, row_height = 0.0, y + row_height + margin, 0.0
        for node in part:
            placed[node] = (positions[node][0] * scale - left + x, -positions[node][1] * scale - top + y)
        x += width + margin
        row_height = max(row_height, height)
    return placed


def page(network: nx.MultiDiGraph[str], positions: dict[str, tuple[float, float]], title: str) -> bytes:
    """The page's bytes: ``positions`` as a layout (any scale, y up), ``title`` already plain text."""
    placed = _packed(network, positions, _scale(network, positions))
    nodes = [
        {"id": node, "label": _text(data["label"]), "type": _text(data["type"]),
         "colour": COLOURS.get(str(data["type"]), OTHER_COLOUR),
         "x": round(placed[node][0], 2), "y": round(placed[node][1], 2)}
        for node, data in sorted(network.nodes(data=True))
    ]  # fmt: skip
    edges = [
        {"id": number, "source": source, "target": target, "label": _text(data["label"]),
         "sources": _text(data["sources"]), "quotes": _strings(data.get("quotes")),
         "date": _optional(data.get("date")), "start": _optional(data.get("start")), "end": _optional(data.get("end")),
         "symmetric": bool(data.get("symmetric", False))}
        for number, (source, target, data) in enumerate(network.edges(data=True))
    ]  # fmt: skip
    kinds = sorted({str(node["type"]) for node in nodes})
    legend = {kind: COLOURS.get(kind, OTHER_COLOUR) for kind in kinds}
    payload = script_json({"nodes": nodes, "edges": edges, "legend": legend})
    heading = html.escape(title)
    text = f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{POLICY}">
<title>{heading}</title>
<style>{_STYLE}</style>
</head>
<body>
<header><h1>{heading}</h1>
<input id="search" type="search" placeholder="Search entities" aria-label="Search entities">
<span id="found"></span>
<label><input id="as-of-on" type="checkbox"> as of</label>
<input id="as-of" type="range" min="0" max="0" value="0" disabled aria-label="As of date">
<span id="as-of-day"></span>
</header>
<main>
<div id="graph"></div>
<aside>
<section><h2>Types</h2><ul id="legend"></ul></section>
<section id="panel"><h2>Details</h2><p id="details">Click an entity or a relation.</p></section>
<details id="entities"><summary>All entities</summary><ul id="entity-list"></ul></details>
</aside>
</main>
<script>{_GUARD}</script>
<script type="application/json" id="graph-data">{payload}</script>
<script>{_library()}</script>
<script>{_SCRIPT}</script>
</body>
</html>
"""
    return text.encode("utf-8")


_STYLE = """
body { margin: 0; font-family: sans-serif; display: flex; flex-direction: column; height: 100vh; }
header { display: flex; gap: 10px; align-items: center; padding: 6px 12px; border-bottom: 1px solid #ddd; }
h1 { font-size: 16px; margin: 0; }
h2 { font-size: 13px; margin: 8px 0 4px; }
main { flex: 1; display: flex; min-height: 0; }
#graph { flex: 1; min-width: 0; }
aside { width: 300px; overflow: auto; border-left: 1px solid #ddd; padding: 0 10px; font-size: 12px; }
ul { list-style: none; padding: 0; margin: 0; }
#legend li { display: flex; align-items: center; gap: 6px; margin: 2px 0; }
.swatch { display: inline-block; width: 12px; height: 12px; border-radius: 50%; }
#details { white-space: pre-wrap; }
.quote { margin: 4px 0 4px 8px; font-style: italic; color: #444; }
.tip { white-space: pre-wrap; max-width: 420px; font-size: 12px; }
"""

_GUARD = """
window.pageErrors = [];
const noteError = text => { window.pageErrors.push(String(text));
  document.body.dataset.errors = String(window.pageErrors.length); };
window.addEventListener('error', event => noteError(event.message));
window.addEventListener('unhandledrejection', event => noteError(event.reason));
document.addEventListener('securitypolicyviolation', event => noteError('blocked ' + event.blockedURI));
document.body.dataset.errors = '0';
"""

_SCRIPT = r"""
'use strict';
const data = JSON.parse(document.getElementById('graph-data').textContent);
const byId = new Map(data.nodes.map(n => [n.id, n]));
const element = (tag, text, className) => { const made = document.createElement(tag);
  if (text !== undefined) made.textContent = text; if (className) made.className = className; return made; };
const DAY = 864e5;
const day = (text, last) => {  // the first or last day an EDTF date can mean, in days since 1970; null if unknown
  const found = /^(-?\d{4})(?:-(\d{2}))?(?:-(\d{2}))?/.exec(String(text || '').split('/')[0]);
  if (!found) return null;
  const year = +found[1], month = found[2] ? +found[2] : (last ? 12 : 1);
  const date = found[3] ? +found[3] : (last ? new Date(Date.UTC(year, month, 0)).getUTCDate() : 1);
  return Math.floor(Date.UTC(year, month - 1, date) / DAY);
};
const holds = (edge, asOf) => {  // events happen by their date; facts hold from their start to their end
  if (edge.date) { const when = day(edge.date, false); return when === null || when <= asOf; }
  const start = day(edge.start, false), end = day(edge.end, true);
  return (start === null || start <= asOf) && (end === null || end >= asOf);
};
const tip = text => element('div', text, 'tip');
const short = text => { const letters = Array.from(text);  // the canvas shows a long name cut; hover shows it all
  return letters.length <= 42 ? text : letters.slice(0, 41).join('').trimEnd() + '\u2026'; };
const hidden = new Set();
let asOf = null;
const nodes = new vis.DataSet(data.nodes.map(n => ({
  id: n.id, label: short(n.label), x: n.x, y: n.y, shape: 'dot', size: 9,
  color: {background: n.colour, border: '#ffffff', highlight: {background: n.colour, border: '#000000'},
          hover: {background: n.colour, border: '#000000'}},
  title: tip(`${n.label} (${n.type})\n${n.id}`)})));
const edges = new vis.DataSet(data.edges.map(e => ({
  id: e.id, from: e.source, to: e.target, arrows: e.symmetric ? '' : 'to', color: {color: '#999999'},
  title: tip(`${byId.get(e.source).label} ${e.label} ${byId.get(e.target).label}\n${e.sources}`)})));
const edgeById = new Map(data.edges.map(e => [e.id, e]));
const nodeView = new vis.DataView(nodes, {filter: n => !hidden.has(byId.get(n.id).type)});
const edgeView = new vis.DataView(edges, {filter: item => { const e = edgeById.get(item.id);
  return !hidden.has(byId.get(e.source).type) && !hidden.has(byId.get(e.target).type)
    && (asOf === null || holds(e, asOf)); }});
const network = new vis.Network(document.getElementById('graph'), {nodes: nodeView, edges: edgeView}, {
  physics: false, interaction: {hover: true, dragNodes: true, tooltipDelay: 150},
  nodes: {font: {size: 12, face: 'sans-serif'}}, edges: {smooth: false, width: 1.5}});
const refresh = () => { nodeView.refresh(); edgeView.refresh();
  document.body.dataset.shownNodes = String(nodeView.length);
  document.body.dataset.shownEdges = String(edgeView.length); };

const legend = document.getElementById('legend');
for (const [kind, colour] of Object.entries(data.legend)) {
  const row = element('li'), box = element('input'), swatch = element('span', undefined, 'swatch');
  box.type = 'checkbox'; box.checked = true; box.dataset.type = kind;
  swatch.style.background = colour;
  box.addEventListener('change', () => { if (box.checked) hidden.delete(kind); else hidden.add(kind); refresh(); });
  const name = element('label'); name.append(box, swatch, document.createTextNode(kind));
  row.append(name); legend.append(row);
}
const list = document.getElementById('entity-list');
for (const n of data.nodes) list.append(element('li', n.label, 'node-label'));

const search = document.getElementById('search'), found = document.getElementById('found');
search.addEventListener('input', () => {
  const wanted = search.value.trim().toLowerCase();
  const ids = wanted ? data.nodes.filter(n => !hidden.has(n.type) && n.label.toLowerCase().includes(wanted))
    .map(n => n.id) : [];
  network.selectNodes(ids);
  if (ids.length) network.fit({nodes: ids, animation: false});
  found.textContent = wanted ? `${ids.length} found` : '';
  document.body.dataset.found = String(ids.length);
});

const days = data.edges.flatMap(e => [day(e.date || e.start, false), day(e.date || e.end, true)])
  .filter(d => d !== null);
const slider = document.getElementById('as-of'), sliderOn = document.getElementById('as-of-on');
const sliderDay = document.getElementById('as-of-day');
const iso = d => new Date(d * DAY).toISOString().slice(0, 10);
if (days.length) {
  slider.min = String(Math.min(...days)); slider.max = String(Math.max(...days)); slider.value = slider.max;
} else { sliderOn.disabled = true; }
const dated = () => { slider.disabled = !sliderOn.checked;
  asOf = sliderOn.checked ? +slider.value : null; sliderDay.textContent = sliderOn.checked ? iso(+slider.value) : '';
  refresh(); };
slider.addEventListener('input', dated); sliderOn.addEventListener('change', dated);

const details = document.getElementById('details');
const show = parts => { details.replaceChildren(...parts); };
network.on('click', params => {
  if (params.nodes.length) {
    const n = byId.get(params.nodes[0]);
    const around = data.edges.filter(e => e.source === n.id || e.target === n.id)
      .map(e => element('div', `${byId.get(e.source).label} ${e.label} ${byId.get(e.target).label} ${e.sources}`));
    show([element('strong', n.label), element('div', `${n.type}\n${n.id}`), ...around]);
  } else if (params.edges.length) {
    const e = edgeById.get(params.edges[0]);
    const when = e.date ? `on ${e.date}` : (e.start || e.end ? `from ${e.start || '?'} to ${e.end || '?'}` : '');
    show([element('strong', `${byId.get(e.source).label} ${e.label} ${byId.get(e.target).label}`),
      element('div', when), element('div', `Sources: ${e.sources}`), ...e.quotes.map(q => element('div', q, 'quote'))]);
  }
});

const spread = () => {  // push apart every two entities whose boxes (dot and label) meet
  const pad = 4, ids = data.nodes.map(n => n.id), at = network.getPositions(ids);
  const boxes = ids.map(id => { const box = network.getBoundingBox(id), p = at[id];
    return {id, x: p.x, y: p.y, l: box.left - p.x - pad, r: box.right - p.x + pad,
            t: box.top - p.y - pad, b: box.bottom - p.y + pad}; });
  const meets = (a, b) => a.x + a.l < b.x + b.r && b.x + b.l < a.x + a.r
    && a.y + a.t < b.y + b.b && b.y + b.t < a.y + a.b;
  let overlaps = 0;
  for (let round = 0; round < 400; round++) {
    overlaps = 0;
    for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
      const a = boxes[i], b = boxes[j];
      if (!meets(a, b)) continue;
      overlaps++;
      const right = a.x + a.r - (b.x + b.l), left = b.x + b.r - (a.x + a.l);
      const down = a.y + a.b - (b.y + b.t), up = b.y + b.b - (a.y + a.t);
      const dx = Math.min(right, left), dy = Math.min(down, up);
      if (dx < dy) { const s = (right < left ? 1 : -1) * (dx / 2 + 0.5); b.x += s; a.x -= s; }
      else { const s = (down < up ? 1 : -1) * (dy / 2 + 0.5); b.y += s; a.y -= s; }
    }
    if (!overlaps) break;
  }
  for (const box of boxes) network.moveNode(box.id, box.x, box.y);
  return overlaps;
};
network.once('afterDrawing', () => {
  document.body.dataset.overlaps = String(spread());
  network.fit({animation: false});
  network.moveTo({scale: network.getScale() * 0.85, animation: false});  // room for the outer labels
  refresh();
  document.body.dataset.drawn = String(network.getPositions().constructor === Object
    ? Object.keys(network.getPositions()).length : 0);
});
window.sco = {network, nodes: nodeView, edges: edgeView};
"""
