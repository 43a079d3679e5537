"""The entity graph for other tools: GraphML, GEXF, CSV and DOT, written element by element.

Nodes are entities; edges are the relations between them, with the attributes
:func:`sco_graph.mirror.edge_attributes` describes, except that every list (the
days a fact is attested, the citations, the seed files) is one JSON array, and
the citations are ``sources`` everywhere: ``source`` is always the edge's first
end, as in GraphML's own ``source``. Relations are gathered a batch of nodes at a
time and kept as plain tuples, and each format is written as it goes, so a large
graph exports without a networkx graph or an XML tree in memory. Nodes come in
IRI order (entities that only relations name after them), edges grouped by their
source in that order: the layout networkx gave. GraphML is the bytes networkx
writes with lxml, whether or not lxml is installed; GEXF is 1.3 as its official
schema defines it, nodes coloured by type.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, NamedTuple

from sco_graph.colours import rgb
from sco_graph.dates import PartialDate
from sco_graph.escape import json_text, visible, xml_text
from sco_graph.graph import values_clause
from sco_graph.mirror import OPEN
from sco_graph.model import ENTITY_TYPES, EVENT_TYPES, FACT_TYPES
from sco_graph.results import HEADLINE_MARK

if TYPE_CHECKING:
    from sco_graph.export_files import Sink
    from sco_graph.graph import Graph
    from sco_graph.results import Edge

NETWORK_FORMATS = ("graphml", "gexf", "csv", "dot")
EDGE_ATTRIBUTES = ("relation", "date", "start", "end", "attested", "node", "detail", "symmetric", "headline_only",
                   "sources", "seed_files")  # fmt: skip
# Attributes that hold lists, written as JSON arrays in every format (names and citations contain commas).
LISTS = frozenset({"attested", "sources", "seed_files"})
BOOLEAN = frozenset({"symmetric", "headline_only"})
DESCRIBED_AT_ONCE = 2000  # nodes described per query while relations are gathered
BATCH = 1 << 20  # bytes written at a time

Value = str | bool


class EdgeRow(NamedTuple):
    source: str
    target: str
    key: str  # "e" and the edge's place among all edges in sorted order
    values: tuple[Value, ...]  # in EDGE_ATTRIBUTES order

    def get(self, name: str) -> Value:
        return self.values[EDGE_ATTRIBUTES.index(name)]


class Network(NamedTuple):
    """The entity graph as plain rows: each node's label and type by IRI, and the edges, in writing order."""

    nodes: dict[str, tuple[str, str]]
    edges: list[EdgeRow]


def _described(graph: Graph) -> list[str]:
    """Every event, fact and entity node, in IRI order: the nodes relations come from."""
    classes = values_clause("type", [*EVENT_TYPES, *FACT_TYPES, *ENTITY_TYPES])
    rows = graph.store.select(f"SELECT DISTINCT ?s WHERE {{ {classes} ?s a ?type FILTER(isIRI(?s)) }}")
    return sorted({row["s"].value for row in rows})


def entity_network(graph: Graph) -> Network:
    """Every entity and relation, in a stable order so that exports are deterministic."""
    from sco_graph.mirror import edge_attributes
    from sco_graph.relations import edges_from

    nodes = {entry.iri: (entry.name, entry.type) for entry in sorted(graph.directory.entries())}
    described = _described(graph)
    found = []
    for start in range(0, len(described), DESCRIBED_AT_ONCE):
        for edge in edges_from(graph, graph.describe(described[start : start + DESCRIBED_AT_ONCE])):
            attributes = {**edge_attributes(edge), **_lists(edge)}
            order = (edge.source.iri, edge.target.iri, edge.relation, edge.node or "", edge.date_text())
            ends = ((edge.source.name, edge.source.type), (edge.target.name, edge.target.type))
            found.append((order, ends, tuple(attributes[name] for name in EDGE_ATTRIBUTES)))
    found.sort(key=lambda item: item[0])
    for (source, target, *_), (source_end, target_end), _ in found:
        nodes.setdefault(source, source_end)
        nodes.setdefault(target, target_end)
    edges = [EdgeRow(order[0], order[1], f"e{number}", values) for number, (order, _, values) in enumerate(found)]
    del found
    place = {iri: number for number, iri in enumerate(nodes)}
    edges.sort(key=lambda edge: place[edge.source])  # grouped by source, each group in sorted order
    return Network(nodes, edges)


def json_list(values: Iterable[str]) -> str:
    """A list as one cell: a JSON array of strings (``["2018-06-08","2018-06-09"]``, ``[]`` when empty)."""
    import json

    return json_text(json.dumps(list(values), ensure_ascii=False, separators=(",", ":")))


def _lists(edge: Edge) -> dict[str, str]:
    """An edge's list attributes: the days sources attest it, its citations and the seed files they come from."""
    citations = list(dict.fromkeys(citation.source.short for citation in edge.citations))
    attested = edge.period.attested if edge.period is not None else ()
    return {
        "attested": json_list(str(day) for day in attested),
        "sources": json_list(citations),
        "seed_files": json_list(sorted({c.source.seed_file or c.source.iri for c in edge.citations})),
    }


class Batched:
    """Text written to a sink in batches of about a megabyte, UTF-8 encoded."""

    def __init__(self, sink: Sink) -> None:
        self._sink = sink
        self._parts: list[str] = []
        self._size = 0

    def add(self, text: str) -> None:
        self._parts.append(text)
        self._size += len(text)
        if self._size >= BATCH:
            self.flush()

    def flush(self) -> None:
        if self._parts:
            self._sink.write("".join(self._parts).encode("utf-8"))
            self._parts, self._size = [], 0


def write_network(network: Network, fmt: str, sink: Sink, part: str = "") -> None:
    """Write ``network`` in ``fmt`` into ``sink``; CSV has two parts, the edges ("") and ``.nodes``."""
    writers: dict[str, Callable[[Network, Batched], None]] = {
        "graphml": _graphml,
        "gexf": _gexf,
        "csv": _csv_nodes if part == ".nodes" else _csv_edges,
        "dot": _dot,
    }
    out = Batched(sink)
    writers[fmt](network, out)
    out.flush()


# ------------------------------------------------------------------ XML
def _text(value: Value) -> str:
    """XML character data as lxml writes it, of a value made safe for XML."""
    text = xml_text(value) if isinstance(value, str) else str(value)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")


_LXML_ATTRIBUTE = {"\t": "&#9;", "\n": "&#10;", "\r": "&#13;", '"': "&quot;"}
_ET_ATTRIBUTE = {"\t": "&#09;", "\n": "&#10;", "\r": "&#13;", '"': "&quot;"}


def _attribute(value: str, spelled: dict[str, str]) -> str:
    """An XML attribute value as lxml or ElementTree writes it, of a value made safe for XML."""
    text = xml_text(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    for char, escape in spelled.items():
        if char in text:
            text = text.replace(char, escape)
    return text


GRAPHML_START = (
    "<?xml version='1.0' encoding='utf-8'?>\n"
    '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"'
    ' xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns'
    ' http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">'
)


def _graphml(network: Network, out: Batched) -> None:
    def lxml(value: str) -> str:
        return _attribute(value, _LXML_ATTRIBUTE)

    out.add(GRAPHML_START)
    keys = [(name, "node", "string") for name in ("label", "type", "iri")] if network.nodes else []
    if network.edges:
        keys += [(name, "edge", "boolean" if name in BOOLEAN else "string") for name in EDGE_ATTRIBUTES]
    for name, owner, kind in reversed(keys):
        out.add(f'<key id="{name}" for="{owner}" attr.name="{name}" attr.type="{kind}"/>\n')
    out.add('<graph edgedefault="directed">')
    for iri, (label, kind) in network.nodes.items():
        out.add(
            f'<node id="{lxml(iri)}">\n  <data key="label">{_text(label)}</data>\n'
            f'  <data key="type">{_text(kind)}</data>\n  <data key="iri">{_text(iri)}</data>\n</node>\n'
        )
    for edge in network.edges:
        data = "".join(
            f'  <data key="{name}">{_text(value)}</data>\n'
            for name, value in zip(EDGE_ATTRIBUTES, edge.values, strict=True)
        )
        out.add(f'<edge source="{lxml(edge.source)}" target="{lxml(edge.target)}" id="{edge.key}">\n{data}</edge>\n')
    out.add("</graph></graphml>")


def _spell(edtf: str) -> tuple[str | None, str | None]:
    """The GEXF time bounds (ISO days) of an EDTF date: every day it may cover; None where it is open.

    A month or a year is widened to its first day at the start and its last day at the end.
    """
    if not edtf:
        return None, None
    first, _, last = edtf.partition("/")
    last = last or first  # a single date covers its own days
    start = PartialDate.parse(first).earliest().isoformat() if first != OPEN else None
    end = PartialDate.parse(last).latest().isoformat() if last != OPEN else None
    return start, end


GEXF_START = (
    "<?xml version='1.0' encoding='utf-8'?>\n"
    '<gexf xmlns="http://gexf.net/1.3" xmlns:viz="http://gexf.net/1.3" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"'
    ' xsi:schemaLocation="http://gexf.net/1.3 http://gexf.net/1.3/gexf.xsd" version="1.3">\n'
    "  <meta>\n    <creator>sco-graph</creator>\n  </meta>\n"
)
# The edge attributes GEXF carries as attribute values: all but the time bounds, which are its own start and end.
GEXF_EDGE_VALUES = tuple(name for name in EDGE_ATTRIBUTES if name not in ("start", "end"))


def _gexf(network: Network, out: Batched) -> None:
    """GEXF 1.3: a dynamic graph whose edges span the days their dates may cover (for Gephi's timeline).

    Nodes are coloured by type with ``viz:color``. The official 1.3 schema defines the
    visualisation elements in the GEXF namespace itself, so ``viz`` is bound to it: the
    file validates, and Gephi (which reads these elements by name) shows the colours.
    """

    def et(value: str) -> str:
        return _attribute(value, _ET_ATTRIBUTE)

    spells = [_spell(str(edge.get("date"))) for edge in network.edges]
    dynamic = any(start is not None or end is not None for start, end in spells)
    out.add(GEXF_START)
    out.add(f'  <graph defaultedgetype="directed" mode="{"dynamic" if dynamic else "static"}"')
    out.add(' timeformat="date">\n' if dynamic else ">\n")
    first_edge_id = 2 if network.nodes else 0
    if network.edges:
        out.add('    <attributes mode="static" class="edge">\n')
        for number, name in enumerate(GEXF_EDGE_VALUES, start=first_edge_id):
            kind = "boolean" if name in BOOLEAN else "string"
            out.add(f'      <attribute id="{number}" title="{name}" type="{kind}" />\n')
        out.add("    </attributes>\n")
    if network.nodes:
        out.add('    <attributes mode="static" class="node">\n')
        out.add('      <attribute id="0" title="type" type="string" />\n')
        out.add('      <attribute id="1" title="iri" type="string" />\n')
        out.add("    </attributes>\n")
    out.add("    <nodes>\n" if network.nodes else "    <nodes />\n")
    for iri, (label, kind) in network.nodes.items():
        red, green, blue = rgb(kind)  # the pictures' colours
        out.add(
            f'      <node id="{et(iri)}" label="{et(label)}">\n        <attvalues>\n'
            f'          <attvalue for="0" value="{et(kind)}" />\n'
            f'          <attvalue for="1" value="{et(iri)}" />\n        </attvalues>\n'
            f'        <viz:color r="{red}" g="{green}" b="{blue}" />\n      </node>\n'
        )
    if network.nodes:
        out.add("    </nodes>\n")
    out.add("    <edges>\n" if network.edges else "    <edges />\n")
    for number, (edge, (start, end)) in enumerate(zip(network.edges, spells, strict=True)):
        bounds = (f' start="{start}"' if start is not None else "") + (f' end="{end}"' if end is not None else "")
        out.add(f'      <edge source="{et(edge.source)}" target="{et(edge.target)}" id="{number}"{bounds}>\n')
        out.add("        <attvalues>\n")
        for place, value in enumerate((edge.get(name) for name in GEXF_EDGE_VALUES), start=first_edge_id):
            text = ("true" if value else "false") if isinstance(value, bool) else et(value)
            out.add(f'          <attvalue for="{place}" value="{text}" />\n')
        out.add("        </attvalues>\n      </edge>\n")
    if network.edges:
        out.add("    </edges>\n")
    out.add("  </graph>\n</gexf>\n")


# ------------------------------------------------------------------ CSV and DOT
EDGE_COLUMNS = ["source", "source_label", "target", "target_label", "relation", "date", "start", "end", "attested",
                "node", "detail", "sources", "seed_files", "headline_only"]  # fmt: skip


def csv_rows(header: list[str], rows: Iterable[list[str]], out: Batched) -> None:
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([visible(cell) for cell in row])
        if text.tell() >= BATCH:
            out.add(text.getvalue())
            text.seek(0)
            text.truncate()
    out.add(text.getvalue())


def _csv_nodes(network: Network, out: Batched) -> None:
    """The nodes file (``.nodes.csv``): IRI, label and type."""
    csv_rows(["iri", "label", "type"], ([iri, label, kind] for iri, (label, kind) in network.nodes.items()), out)


def _csv_edges(network: Network, out: Batched) -> None:
    """The edges file, ready for pandas: both ends with their labels, then the relation's attributes."""
    names = ("relation", "date", "start", "end", "attested", "node", "detail", "sources", "seed_files")

    def row(edge: EdgeRow) -> list[str]:
        ends = [edge.source, network.nodes[edge.source][0], edge.target, network.nodes[edge.target][0]]
        return [*ends, *(str(edge.get(name)) for name in names), "true" if edge.get("headline_only") else "false"]

    csv_rows(EDGE_COLUMNS, (row(edge) for edge in network.edges), out)


def _dot_quote(text: str) -> str:
    return '"' + visible(text).replace("\\", "\\\\").replace('"', '\\"') + '"'


DOT_TIMES = ("date", "start", "end", "attested")  # edge attributes a DOT edge carries when they are known


def _dot(network: Network, out: Batched) -> None:
    out.add("digraph sco_graph {\n  node [shape=box, style=rounded];\n")
    for iri, (label, kind) in network.nodes.items():
        out.add(f"  {_dot_quote(iri)} [label={_dot_quote(label)}, type={_dot_quote(kind)}];\n")
    for edge in network.edges:
        label = f"{edge.get('relation')} {edge.get('date')}".strip()
        headline_only = bool(edge.get("headline_only"))
        if headline_only:
            label += f" {HEADLINE_MARK}"
        times = "".join(
            f", {name}={_dot_quote(str(edge.get(name)))}" for name in DOT_TIMES if edge.get(name) not in ("", "[]")
        )
        times += ', headline_only="true"' if headline_only else ""
        direction = ", dir=none" if edge.get("symmetric") else ""
        out.add(
            f"  {_dot_quote(edge.source)} -> {_dot_quote(edge.target)} [label={_dot_quote(label)}{times}, "
            f"sources={_dot_quote(str(edge.get('sources')))}{direction}];\n"
        )
    out.add("}\n")
