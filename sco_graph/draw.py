"""Pictures: the network around entities, a timeline chart, a path.

SVG and PNG are drawn with matplotlib (its Agg backend: no screen needed). HTML
is one self-contained page drawn by the bundled vis-network library (search,
filters, a date slider, hover and click for sources); the page loads nothing
from the network.

Labels are data, and data may be hostile: every label and title is drawn as
plain text (matplotlib's mathtext is off, so ``$x$`` stays ``$x$``), control
characters are shown as escapes (``\x1b``) so SVG stays well-formed XML, and
the page's embedded JSON cannot close its ``<script>`` element. Pictures are
written atomically and never replace an existing file without ``force``, nor
ever a folder, a FIFO or a device.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from sco_graph.dates import When
from sco_graph.errors import UsageError
from sco_graph.escape import visible, xml_text
from sco_graph.results import HEADLINE_MARK, Edge, EntityRef, Paths, Timeline, cite

if TYPE_CHECKING:
    import networkx as nx

PICTURE_SUFFIXES = (".svg", ".png", ".html")
TIMELINE_SUFFIXES = (".svg", ".png")
MAX_NODES = 400  # past this, a picture is a hairball: refused before any work (see queries.network_edges)


class Picture(NamedTuple):
    """A drawn file: where it went, and what it shows."""

    path: str
    nodes: int
    edges: int

    def as_json(self) -> dict[str, object]:
        return {"query": "draw", "output": self.path, "nodes": self.nodes, "edges": self.edges}


PICTURES_EXTRA = "pip install 'sco-graph[pictures]'"


def require_pictures() -> None:
    """Refuse, in one line naming the install to run, when the optional picture libraries are missing."""
    from importlib.util import find_spec

    for module in ("matplotlib", "numpy"):  # matplotlib draws SVG and PNG; numpy lays out every picture
        try:
            found = find_spec(module)
        except (ImportError, ValueError):
            found = None
        if found is None:
            raise UsageError(f"pictures need the optional {module} library, which is not installed: {PICTURES_EXTRA}")


def check_output(output: Path, allowed: tuple[str, ...] = PICTURE_SUFFIXES, *, force: bool = False) -> str:
    """The picture's format from its ending; refuses, before any work, a file it may not write.

    An existing file is only replaced with ``force``; a folder, a FIFO, a device
    or a socket never is, and the folder the file goes in must exist. The rules
    are :func:`sco_graph.export.check_target`'s, so exports and pictures agree.
    """
    from sco_graph.export import check_target

    check_target(output, force=True)  # what is never written over, whatever the ending or --force
    suffix = output.suffix.lower()
    if suffix not in allowed:
        raise UsageError(f"--output must end in {', '.join(allowed)} ({visible(output.name)!r} given)")
    require_pictures()
    check_target(output, force)
    return suffix


def _text(label: object) -> str:
    """A label to draw: control characters shown as escapes, nothing XML cannot hold."""
    return xml_text(visible(str(label)))


def network_of(edges: list[Edge]) -> nx.MultiDiGraph[str]:
    """The drawable graph of some relations: nodes with name and type, edges with relation, date, sources."""
    import networkx as nx

    network: nx.MultiDiGraph[str] = nx.MultiDiGraph()
    for number, edge in enumerate(sorted(edges, key=lambda e: (e.source.iri, e.target.iri, e.relation, e.date_text()))):
        for end in (edge.source, edge.target):
            network.add_node(end.iri, label=end.name, type=end.type)
        label = f"{edge.relation} {edge.date_text()}".strip() + (f" {HEADLINE_MARK}" if edge.headline_only else "")
        sources = cite(edge.citations)
        when, period = edge.when, edge.period  # EDTF text: the page's date slider reads them
        network.add_edge(
            edge.source.iri,
            edge.target.iri,
            key=number,
            label=label,
            sources=sources,
            symmetric=edge.symmetric,
            date=str(when.date) if when is not None and when.date is not None else None,
            start=str(period.start) if period is not None and period.start is not None else None,
            end=str(period.end) if period is not None and period.end is not None else None,
            quotes=[citation.quote for citation in edge.citations],
        )
    if network.number_of_nodes() > MAX_NODES:
        raise UsageError(
            f"the picture would have {network.number_of_nodes()} entities (at most {MAX_NODES}); "
            "name an entity or lower --depth"
        )
    return network


def _layout(network: nx.MultiDiGraph[str], straight: list[str] | None = None) -> dict[str, tuple[float, float]]:
    import networkx as nx

    if straight:  # a path reads left to right
        return {node: (float(index), 0.0) for index, node in enumerate(straight)}
    if network.number_of_nodes() == 0:
        return {}
    simple = nx.Graph(network)
    spacing = 1.6 / max(1.0, simple.number_of_nodes() ** 0.5)
    positions = nx.spring_layout(simple, seed=7, k=spacing, iterations=200)
    return {node: (float(x), float(y)) for node, (x, y) in positions.items()}


def draw_network(
    network: nx.MultiDiGraph[str],
    output: Path,
    title: str,
    straight: list[str] | None = None,
    *,
    force: bool = False,
    ego: list[str] | None = None,
) -> Picture:
    """Write the network as SVG, PNG or a self-contained HTML page.

    ``straight`` lays a path out on one line from its start to its end; ``ego``
    names the entities the picture is about (their IRIs), highlighted (by default
    the path's two ends).
    """
    suffix = check_output(output, force=force)
    if suffix == ".html":
        data = _page(network, _layout(network, straight), _text(title))
    else:
        data = _matplotlib_network(network, _text(title), suffix, straight, ego)
    from sco_graph.export import write_atomic

    write_atomic({output: data}, force=force)
    return Picture(str(output), network.number_of_nodes(), network.number_of_edges())


def _short(text: str, width: int = 42) -> str:
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def _figure(width: float, height: float) -> Any:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams["svg.hashsalt"] = "sco-graph"  # stable ids in SVG output
    plt.rcParams["svg.fonttype"] = "none"
    plt.rcParams["text.usetex"] = False  # never hand a label to a TeX process
    plt.rcParams["text.parse_math"] = False  # "$x$" in a label is text, not mathtext
    return plt.figure(figsize=(width, height), dpi=120)


def _save(figure: Any, suffix: str) -> bytes:
    import io

    import matplotlib.pyplot as plt
    from matplotlib.text import Text

    for text in figure.findobj(Text):  # every text artist, whoever made it, is plain text
        text.set_parse_math(False)
        text.set_usetex(False)
    buffer = io.BytesIO()
    metadata = {"Date": None} if suffix == ".svg" else {"Software": None}
    figure.savefig(buffer, format=suffix.lstrip("."), bbox_inches="tight", metadata=metadata)
    plt.close(figure)
    return buffer.getvalue()


def _matplotlib_network(
    network: nx.MultiDiGraph[str], title: str, suffix: str, straight: list[str] | None, ego: list[str] | None
) -> bytes:
    """SVG or PNG: laid out, coloured and labelled by :mod:`sco_graph.picture_network`, labels never overlapping."""
    from sco_graph.picture_network import render

    return render(network, title, suffix, straight, None if ego is None else set(ego))


# ------------------------------------------------------------------ interactive page
def _page(network: nx.MultiDiGraph[str], positions: dict[str, tuple[float, float]], title: str) -> bytes:
    """The self-contained interactive page, drawn by the bundled vis-network (see :mod:`sco_graph.picture_html`)."""
    from sco_graph.picture_html import page

    return page(network, positions, title)


def _script_json(value: object) -> str:
    """JSON that cannot end its ``<script>`` element (see :func:`sco_graph.picture_html.script_json`)."""
    from sco_graph.picture_html import script_json

    return script_json(value)


# ------------------------------------------------------------------ timeline chart
LANES = ("meeting", "summit", "signing", "interview", "statement", "proposal", "founding", "admission",
         "application", "exercise", "event", "membership", "partnership", "position")  # fmt: skip


def draw_timeline(timeline: Timeline, output: Path, *, force: bool = False) -> Picture:
    """A chart of events in lanes by type; a day is a dot, a month or year a bar over its span,
    and an event known only as "by D" an open-ended marker at D. Every event is named by a short
    label (its date and its people), placed clear of the others (see picture_timeline)."""
    suffix = check_output(output, TIMELINE_SUFFIXES, force=force)
    if not timeline.events:
        raise UsageError("no events to draw for that selection")
    from sco_graph import picture_timeline as chart

    lanes = [lane for lane in LANES if any(event.type == lane for event in timeline.events)]
    drawn = [(event, chart.event_days(event.when)) for event in timeline.events]
    span = _date_limits([day for _, days in drawn for day in days])
    labels = chart.labels_of([(lanes.index(event.type), days[0], _text(chart.event_label(event)))
                              for event, days in drawn if days])  # fmt: skip
    figure = _figure(12.0, 3.0)
    axes = figure.add_subplot()
    bases = chart.place_labels(figure, axes, labels, len(lanes), span)
    for event, _ in drawn:
        _plot_event(axes, bases[lanes.index(event.type)], event.when)
    axes.set_xlim(*span)
    axes.set_yticks(bases, lanes)
    chart.set_date_ticks(axes)
    subject = ", ".join(_text(entity.name) for entity in timeline.subjects) or "all entities"
    axes.set_title(f"Timeline of {subject} (dot: a day; bar: a month, a year or several days; ◀: no later than)")
    axes.grid(axis="x", alpha=0.3)
    data = _save(figure, suffix)
    from sco_graph.export import write_atomic

    write_atomic({output: data}, force=force)
    return Picture(str(output), len(timeline.events), 0)


def _plot_event(axes: Any, y: float, when: When) -> None:
    """Draw one event's glyph on its lane's line."""
    from sco_graph.picture_timeline import event_days

    days = event_days(when)
    if when.date is None:
        axes.plot(days, [y] * len(days), "<", color="#ff7f0e", markersize=6, zorder=2)
    elif len(days) == 1:
        axes.plot(days, [y], "o", color="#1f77b4", markersize=5, zorder=2)
    else:
        axes.plot(days, [y, y], "-", color="#1f77b4", linewidth=5, alpha=0.6, zorder=2)


def _date_limits(days: list[dt.date]) -> tuple[dt.date, dt.date]:
    """The chart's span: every day drawn, a margin around, never outside the years 0001 to 9999.

    The margin is a few days for a short span (so a week is drawn in days), 4% of a long one.
    (matplotlib's own margin would reach past the calendar for an event on 0001-01-01 or 9999-12-31, and fail.)
    """
    if not days:
        return dt.date(2000, 1, 1), dt.date(2001, 1, 1)
    first, last = min(days), max(days)
    margin = max(dt.timedelta(days=2), (last - first) * 0.04)
    start = first - margin if first - dt.date.min > margin else dt.date.min
    stop = last + margin if dt.date.max - last > margin else dt.date.max
    return start, stop


def path_network(paths: Paths) -> tuple[nx.MultiDiGraph[str], list[str]]:
    """The edges of the paths found, and the first path's entities in order (drawn on one line, start to end;
    the other paths' entities are placed along it)."""
    edges = [hop.edge for path in paths.paths for hop in path]
    first: list[EntityRef] = [paths.paths[0][0].start, *(hop.end for hop in paths.paths[0])]
    return network_of(edges), [entity.iri for entity in first]
