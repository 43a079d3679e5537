"""Static network and path pictures (SVG, PNG): layout, colours, legend and label placement.

The picture is laid out in points, the unit SVG text is measured in, so a label's
box here is the box a browser draws. Each connected component is laid out on its
own (a seeded spring layout) and the components are packed in rows, largest
first, so a small disconnected pair never squeezes the rest into a corner.

Labels never overlap. Each entity's label is placed greedily (the ego entities
first, then by degree) at the first free spot around its node: right, left,
above, below, then further out, with a thin leader line when it had to move
away. When many labels had to move, the whole layout is spread out and placed
again. Relation labels come after, one per linked pair, and only where they
overlap no other label and no node: past ``EDGE_LABEL_LIMIT`` linked pairs they
are all dropped, and a note under the picture says how many are shown (the
HTML page lists every relation with its sources). Everything is deterministic:
the same data gives the same bytes.
"""

from __future__ import annotations

import functools
import math
from typing import TYPE_CHECKING, Any, NamedTuple

from sco_graph.colours import colour

if TYPE_CHECKING:
    import networkx as nx

EDGE_LABEL_LIMIT = 120  # past this many linked pairs, relation labels are dropped (the HTML page has them all)
NODE_FONT = 8.0
EGO_FONT = 9.0
EDGE_FONT = 6.0
NODE_RADIUS = 5.0
EGO_RADIUS = 8.0
EDGE_LENGTH = 110.0  # points between linked entities before any spreading
PAD = 1.5  # points kept clear around every label box
LABEL_BACKGROUND = {"boxstyle": "square,pad=0.1", "facecolor": "white", "edgecolor": "none", "alpha": 0.8}


class Box(NamedTuple):
    """A rectangle in points: left, bottom, right, top."""

    left: float
    bottom: float
    right: float
    top: float

    def hits(self, other: Box) -> bool:
        return (
            self.left < other.right and other.left < self.right and self.bottom < other.top and other.bottom < self.top
        )


class _Boxes:
    """Placed boxes, bucketed on a grid so that a free-spot test looks only nearby."""

    CELL = 60.0

    def __init__(self) -> None:
        self.cells: dict[tuple[int, int], list[Box]] = {}

    def _cells(self, box: Box) -> list[tuple[int, int]]:
        cell = self.CELL
        return [
            (column, row)
            for column in range(math.floor(box.left / cell), math.floor(box.right / cell) + 1)
            for row in range(math.floor(box.bottom / cell), math.floor(box.top / cell) + 1)
        ]

    def free(self, box: Box) -> bool:
        return not any(box.hits(other) for key in self._cells(box) for other in self.cells.get(key, ()))

    def add(self, box: Box) -> None:
        for key in self._cells(box):
            self.cells.setdefault(key, []).append(box)


class Label(NamedTuple):
    """A placed label: its text, anchor point, alignment, font size, and the node it names (for a leader line)."""

    text: str
    x: float
    y: float
    align: str
    size: float
    bold: bool
    leader: tuple[float, float] | None


@functools.cache
def _renderer() -> Any:
    from matplotlib.backends.backend_agg import RendererAgg

    return RendererAgg(10, 10, 72)  # type: ignore[no-untyped-call]  # 72 dots an inch: it measures in points


@functools.cache
def _measure(text: str, size: float, bold: bool = False) -> tuple[float, float]:
    """Width and height in points of one line of text as a browser boxes it (DejaVu Sans, a little spare)."""
    from matplotlib.font_manager import FontProperties

    font = FontProperties(size=size, weight="bold" if bold else "normal")
    width, _, _ = _renderer().get_text_width_height_descent(text, font, ismath=False)
    return float(width) * 1.04 + 1.0, size * 1.25


def _box(x: float, y: float, width: float, height: float, align: str) -> Box:
    left = {"left": x, "right": x - width, "center": x - width / 2}[align]
    return Box(left - PAD, y - height / 2 - PAD, left + width + PAD, y + height / 2 + PAD)


# ------------------------------------------------------------------ layout
def _component_layout(network: nx.Graph[str], nodes: list[str]) -> dict[str, tuple[float, float]]:
    """One component in points, its mean edge length ``EDGE_LENGTH``."""
    import networkx as nx

    if len(nodes) == 1:
        return {nodes[0]: (0.0, 0.0)}
    if len(nodes) == 2:
        return {nodes[0]: (-EDGE_LENGTH / 2, 0.0), nodes[1]: (EDGE_LENGTH / 2, 0.0)}
    sub = network.subgraph(nodes)
    raw = nx.spring_layout(sub, seed=7, k=1.0 / math.sqrt(len(nodes)), iterations=300)
    points = {node: (float(raw[node][0]), float(raw[node][1])) for node in sorted(nodes)}
    lengths = [math.dist(points[one], points[other]) for one, other in sub.edges()]
    scale = EDGE_LENGTH / max(1e-9, sum(lengths) / len(lengths))
    return {node: (x * scale, y * scale) for node, (x, y) in points.items()}


def _pack(parts: list[dict[str, tuple[float, float]]], margin: float) -> dict[str, tuple[float, float]]:
    """Components side by side in rows, largest first, none overlapping another's area."""
    boxes = []
    for part in parts:
        xs, ys = [x for x, _ in part.values()], [y for _, y in part.values()]
        boxes.append((min(xs) - margin, min(ys) - margin, max(xs) + margin, max(ys) + margin))
    total = sum((right - left) * (top - bottom) for left, bottom, right, top in boxes)
    row_width = max([*(right - left for left, _, right, _ in boxes), math.sqrt(total) * 1.3])
    placed: dict[str, tuple[float, float]] = {}
    x = y = row_height = 0.0
    for part, (left, bottom, right, top) in zip(parts, boxes, strict=True):
        width, height = right - left, top - bottom
        if x > 0 and x + width > row_width:
            x, y, row_height = 0.0, y - row_height, 0.0
        for node, (px, py) in part.items():
            placed[node] = (px - left + x, py - top + y)
        x += width
        row_height = max(row_height, height)
    return placed


def layout(network: nx.MultiDiGraph[str], straight: list[str] | None = None) -> dict[str, tuple[float, float]]:
    """Positions in points: a path on one line from start to end, else packed components."""
    import networkx as nx

    if network.number_of_nodes() == 0:
        return {}
    if straight:
        return _path_layout(network, straight)
    simple: nx.Graph[str] = nx.Graph(network)
    components = sorted((sorted(part) for part in nx.connected_components(simple)), key=lambda part: (-len(part), part))
    return _pack([_component_layout(simple, part) for part in components], margin=EDGE_LENGTH * 0.6)


def _path_layout(network: nx.MultiDiGraph[str], straight: list[str]) -> dict[str, tuple[float, float]]:
    """The path left to right, each step wide enough for both entity labels and the relation between them."""
    import networkx as nx

    widths = [_measure(_node_text(network, node), EGO_FONT, True)[0] for node in straight]
    relations = _pair_labels(network)
    positions: dict[str, tuple[float, float]] = {straight[0]: (0.0, 0.0)}
    x = 0.0
    for index in range(1, len(straight)):
        one, other = straight[index - 1], straight[index]
        text = relations.get((one, other)) or relations.get((other, one)) or ""
        step = max((widths[index - 1] + widths[index]) / 2 + 16, _measure(text, EDGE_FONT)[0] + 30, 70.0)
        x += step
        positions[other] = (x, 0.0)
    rest = sorted(node for node in network.nodes if node not in positions)
    if rest:  # other paths' entities: below the line, under the step of the path they are as far along as
        hops = nx.single_source_shortest_path_length(nx.Graph(network), straight[0])
        for number, node in enumerate(rest):
            along = min(hops.get(node, 1), len(straight) - 1)
            positions[node] = (positions[straight[along]][0], -60.0 * (1 + number % 3) - 10.0 * (number // 3))
    return positions


# ------------------------------------------------------------------ labels
def _node_text(network: nx.MultiDiGraph[str], node: str) -> str:
    from sco_graph.draw import _short, _text

    return _short(_text(network.nodes[node]["label"]))


def _pair_labels(network: nx.MultiDiGraph[str]) -> dict[tuple[str, str], str]:
    """One label a linked pair: its first relation, and how many more link the two."""
    from sco_graph.draw import _short, _text

    between: dict[tuple[str, str], list[str]] = {}
    for source, target, data in network.edges(data=True):
        key = (source, target) if (target, source) not in between else (target, source)
        between.setdefault(key, []).append(_text(data["label"]))
    return {
        key: _short(labels[0], 48) + (f" (+{len(labels) - 1})" if len(labels) > 1 else "")
        for key, labels in between.items()
    }


def _ring(distance: float, height: float, radius: float) -> list[tuple[float, float, str]]:
    """Candidate anchors around a node at one distance: right, left, above, below, then the diagonals."""
    gap = radius + 2.0 + distance
    return [
        (gap, 0.0, "left"),
        (-gap, 0.0, "right"),
        (0.0, gap + height / 2, "center"),
        (0.0, -gap - height / 2, "center"),
        (gap * 0.7, gap * 0.7 + height / 2, "left"),
        (-gap * 0.7, gap * 0.7 + height / 2, "right"),
        (gap * 0.7, -gap * 0.7 - height / 2, "left"),
        (-gap * 0.7, -gap * 0.7 - height / 2, "right"),
    ]


class Placement(NamedTuple):
    labels: list[Label]
    moved: int  # entity labels that had to go beyond the first ring
    edge_shown: int
    edge_total: int


def place(
    network: nx.MultiDiGraph[str],
    positions: dict[str, tuple[float, float]],
    ego: set[str],
    below_first: bool = False,
) -> Placement:
    """Every entity label at a free spot, then the relation labels that fit."""
    taken = _Boxes()
    for node, (x, y) in positions.items():
        radius = EGO_RADIUS if node in ego else NODE_RADIUS
        taken.add(Box(x - radius, y - radius, x + radius, y + radius))
    degree = dict(network.degree())
    order = sorted(positions, key=lambda node: (node not in ego, -degree.get(node, 0), node))
    labels: list[Label] = []
    moved = 0
    for node in order:
        x, y = positions[node]
        bold = node in ego
        size = EGO_FONT if bold else NODE_FONT
        text = _node_text(network, node)
        width, height = _measure(text, size, bold)
        radius = EGO_RADIUS if bold else NODE_RADIUS
        for step in range(60):
            candidates = _ring(step * 6.0, height, radius)
            if below_first and step == 0:
                candidates = [candidates[3], candidates[2], *candidates[:2], *candidates[4:]]
            spot = next(
                (
                    (x + dx, y + dy, align)
                    for dx, dy, align in candidates
                    if taken.free(_box(x + dx, y + dy, width, height, align))
                ),
                None,
            )
            if spot is not None:
                break
        else:  # nothing free within reach: straight above everything drawn so far
            top = max(y for _, y in positions.values()) + 40.0 + 14.0 * moved
            spot = (x, top, "center")
            while not taken.free(_box(*spot[:2], width, height, "center")):
                spot = (x, spot[1] + height + 2 * PAD, "center")
        moved += step > 1
        taken.add(_box(spot[0], spot[1], width, height, spot[2]))
        labels.append(Label(text, spot[0], spot[1], spot[2], size, bold, (x, y) if step > 1 else None))
    pairs = _pair_labels(network)
    shown = 0
    if len(pairs) <= EDGE_LABEL_LIMIT:
        for (one, other), text in sorted(pairs.items()):
            (x1, y1), (x2, y2) = positions[one], positions[other]
            width, height = _measure(text, EDGE_FONT)
            for t, lift in ((0.5, 0.0), (0.5, 7.0), (0.5, -7.0), (0.38, 0.0), (0.62, 0.0), (0.28, 0.0), (0.72, 0.0)):
                shift = lift + (height / 2 + 3.0 if below_first else 0.0)  # a path's relations sit above its line
                cx, cy = x1 + (x2 - x1) * t, y1 + (y2 - y1) * t + shift
                box = _box(cx, cy, width, height, "center")
                if taken.free(box):
                    taken.add(box)
                    labels.append(Label(text, cx, cy, "center", EDGE_FONT, False, None))
                    shown += 1
                    break
    return Placement(labels, moved, shown, len(pairs))


# ------------------------------------------------------------------ drawing
def _arrows(network: nx.MultiDiGraph[str]) -> dict[tuple[str, str], tuple[bool, bool]]:
    """Each linked pair once, with whether a directed relation points forward, and backward."""
    heads: dict[tuple[str, str], tuple[bool, bool]] = {}
    for source, target, data in network.edges(data=True):
        directed = not data.get("symmetric", True)
        if (target, source) in heads:
            forward, backward = heads[(target, source)]
            heads[(target, source)] = (forward, backward or directed)
        else:
            forward, backward = heads.get((source, target), (False, False))
            heads[(source, target)] = (forward or directed, backward)
    return heads


def render(
    network: nx.MultiDiGraph[str],
    title: str,
    suffix: str,
    straight: list[str] | None = None,
    ego: set[str] | None = None,
) -> bytes:
    """The picture's bytes: nodes by type colour, ego ringed, arrows, labels that never overlap, a legend."""
    from matplotlib.patches import Circle, FancyArrowPatch

    from sco_graph.draw import _figure, _save

    chosen = ego if ego is not None else ({straight[0], straight[-1]} if straight else set())
    positions = layout(network, straight)
    placement = place(network, positions, chosen, below_first=bool(straight))
    for _ in range(4):  # crowded: spread the layout out and place again
        if straight or placement.moved <= max(1, len(positions) // 20):
            break
        positions = {node: (x * 1.3, y * 1.3) for node, (x, y) in positions.items()}
        placement = place(network, positions, chosen)
    boxes = [
        _box(label.x, label.y, *_measure(label.text, label.size, label.bold), label.align) for label in placement.labels
    ]
    xs = [x for x, _ in positions.values()] + [edge for box in boxes for edge in (box.left, box.right)] or [0.0]
    ys = [y for _, y in positions.values()] + [edge for box in boxes for edge in (box.bottom, box.top)] or [0.0]
    left, right, bottom, top = min(xs) - 10, max(xs) + 10, min(ys) - 10, max(ys) + 10
    kinds = sorted({str(data["type"]) for _, data in network.nodes(data=True)})
    legend_width = max([_measure(kind, NODE_FONT)[0] for kind in kinds] + [120.0]) + 30
    bottom = min(bottom, top - 14 * (len(kinds) + 2) - 40)  # room for the whole legend, whose swatches would be clipped
    width, height = right - left + legend_width, top - bottom + 50
    figure = _figure(width / 72, height / 72)
    axes = figure.add_axes((0.0, 0.0, 1.0, 1.0))
    axes.set_xlim(left, left + width)
    axes.set_ylim(top + 50 - height, top + 50)
    axes.axis("off")
    axes.text(left, top + 30, title, fontsize=11, fontweight="bold", ha="left", va="center")
    for (one, other), (forward, backward) in sorted(_arrows(network).items()):
        style = "<|-|>" if forward and backward else "-|>" if forward else "<|-" if backward else "-"
        shrink_a = (EGO_RADIUS if one in chosen else NODE_RADIUS) + 1.5
        shrink_b = (EGO_RADIUS if other in chosen else NODE_RADIUS) + 1.5
        arrow = FancyArrowPatch(positions[one], positions[other], arrowstyle=style, mutation_scale=8, color="#8a8a8a",
                                linewidth=0.8, shrinkA=shrink_a, shrinkB=shrink_b, zorder=1)  # fmt: skip
        axes.add_patch(arrow)
    for node, (x, y) in sorted(positions.items()):
        kind = str(network.nodes[node]["type"])
        is_ego = node in chosen
        radius = EGO_RADIUS if is_ego else NODE_RADIUS
        axes.add_patch(Circle((x, y), radius, facecolor=colour(kind), edgecolor="black" if is_ego else "white",
                              linewidth=2.0 if is_ego else 0.6, zorder=3))  # fmt: skip
    for label in placement.labels:
        if label.leader is not None:
            axes.plot([label.leader[0], label.x], [label.leader[1], label.y], color="#bbbbbb", linewidth=0.5, zorder=2)
        colour_of_text = "#555555" if label.size == EDGE_FONT else "black"
        axes.text(label.x, label.y, label.text, fontsize=label.size, fontweight="bold" if label.bold else "normal",
                  ha=label.align, va="center", color=colour_of_text, zorder=4,
                  bbox=LABEL_BACKGROUND)  # fmt: skip
    _legend(axes, right + 20, top, kinds=kinds, ego=bool(chosen), placement=placement)
    return _save(figure, suffix)


def _legend(axes: Any, x: float, top: float, *, kinds: list[str], ego: bool, placement: Placement) -> None:
    from matplotlib.patches import Circle, FancyArrowPatch

    y = top - 6
    for kind in kinds:
        axes.add_patch(Circle((x + 5, y), NODE_RADIUS, facecolor=colour(kind), edgecolor="white", linewidth=0.6))
        axes.text(x + 14, y, kind, fontsize=NODE_FONT, ha="left", va="center")
        y -= 14
    if ego:
        axes.add_patch(Circle((x + 5, y), NODE_RADIUS, facecolor="white", edgecolor="black", linewidth=2.0))
        axes.text(x + 14, y, "asked about", fontsize=NODE_FONT, ha="left", va="center")
        y -= 14
    axes.add_patch(
        FancyArrowPatch((x - 2, y), (x + 11, y), arrowstyle="-|>", mutation_scale=8, color="#8a8a8a", linewidth=0.8)
    )
    axes.text(x + 14, y, "directed relation", fontsize=NODE_FONT, ha="left", va="center")
    y -= 14
    notes = [f"{placement.edge_shown} of {placement.edge_total} relation labels shown"]
    if placement.edge_shown == 0:
        notes += ["(too many to label: the HTML page lists them)"]
    elif placement.edge_shown < placement.edge_total:
        notes += ["(only where they fit: the HTML page", "lists them all)"]
    for line in notes if placement.edge_total else []:
        axes.text(x, y, line, fontsize=EDGE_FONT, ha="left", va="center")
        y -= 9
