"""The entity graph: the RDF data mirrored into networkx for graph algorithms and exports.

Nodes are entities (label, type, IRI). Edges are the relations between them
that events, facts and entity descriptions state, each with its relation,
dates, event or fact node and sources. Dates are EDTF strings at their own
precision: a fact's start and end are only what sources state, and the days
sources attest it are kept apart. Every attribute is a plain scalar, so
GraphML, GEXF and DOT writers accept it.
"""

from __future__ import annotations

import contextlib
import json
import os
from array import array
from itertools import combinations, product
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sco_graph.dates import PartialDate, When
from sco_graph.graph import Graph, values_clause
from sco_graph.model import ENTITY_TYPES, EVENT_TYPES, FACT_TYPES, SCO, type_name
from sco_graph.relations import ENTITY_RELATIONS, EVENT_RULES, ROLE_PREDICATES, all_edges
from sco_graph.results import Edge, Period, cite
from sco_graph.terms import IRI, Literal, Term

EVENT_CLASSES = {name: iri for iri, name in EVENT_TYPES.items()}

if TYPE_CHECKING:
    import networkx as nx


OPEN = ".."  # EDTF for a side of an interval that no source states


def _event_times(when: When) -> tuple[str, str, str]:
    """An event's start, end and whole date as EDTF: its date (or span), or only a latest bound."""
    if when.date is None:
        return "", "", f"{OPEN}/{when.not_after}" if when.not_after else ""
    whole = f"{when.date}/{when.end}" if when.end else str(when.date)
    return str(when.date), str(when.end or when.date), whole


def _fact_times(period: Period) -> tuple[str, str, str]:
    """A fact's real start, end and whole period as EDTF; attestation days are not among them."""
    start = str(period.start) if period.start else ""
    end = str(period.end) if period.end else ""
    whole = f"{start or OPEN}/{end or OPEN}" if start or end else ""
    return start, end, whole


def edge_attributes(edge: Edge) -> dict[str, Any]:
    """An edge's attributes as plain strings and booleans, dates as EDTF at their own precision.

    ``start`` and ``end`` are an event's own date or span, or a fact's stated
    start and end (empty when no source states them); ``date`` is the whole as
    one EDTF string (``2018-06-09/2018-06-10``, ``2007-10/..``, ``../2018-06-08``);
    ``attested`` lists, space-separated, the days on which sources state a fact.
    """
    start, end, whole = "", "", ""
    if edge.when is not None:
        start, end, whole = _event_times(edge.when)
    elif edge.period is not None:
        start, end, whole = _fact_times(edge.period)
    attested = edge.period.attested if edge.period is not None else ()
    return {
        "relation": edge.relation,
        "date": whole,
        "start": start,
        "end": end,
        "attested": " ".join(str(day) for day in attested),
        "node": edge.node or "",
        "detail": edge.detail or "",
        "symmetric": edge.symmetric,
        "source": cite(edge.citations),
        "seed_files": " ".join(sorted({c.source.seed_file or c.source.iri for c in edge.citations})),
    }


def entity_graph(graph: Graph) -> nx.MultiDiGraph[str]:
    """Every entity and relation, inserted in a stable order so exports are deterministic."""
    import networkx as nx

    network: nx.MultiDiGraph[str] = nx.MultiDiGraph()
    for entry in sorted(graph.directory.entries()):
        network.add_node(entry.iri, label=entry.name, type=entry.type, iri=entry.iri)
    edges = sorted(
        all_edges(graph), key=lambda e: (e.source.iri, e.target.iri, e.relation, e.node or "", e.date_text())
    )
    for number, edge in enumerate(edges):
        for end in (edge.source, edge.target):
            if end.iri not in network:
                network.add_node(end.iri, label=end.name, type=end.type, iri=end.iri)
        network.add_edge(edge.source.iri, edge.target.iri, key=f"e{number}", **edge_attributes(edge))
    return network


# ------------------------------------------------------------------ the path index
FOREVER = 2**31 - 1  # "until" of an open period; "from" of a relation never known to hold on a day
NOT_BEFORE = -(2**31)


class PathIndex:
    """Which entities are linked, and from and until which day: a compact adjacency for path search.

    Built with one SPARQL query per relation rule (no Python object per triple),
    kept beside the compiled store as flat integer arrays that load in milliseconds.
    """

    def __init__(self, nodes: list[str], offsets: array[int], targets: array[int], first: array[int], last: array[int]):
        self.nodes = nodes
        self.offsets, self.targets, self.first, self.last = offsets, targets, first, last
        self._ids: dict[str, int] | None = None

    def id_of(self, iri: str) -> int | None:
        if self._ids is None:
            self._ids = {iri: number for number, iri in enumerate(self.nodes)}
        return self._ids.get(iri)

    def neighbours(self, node: int, day: int | None) -> list[int]:
        start, stop = self.offsets[node], self.offsets[node + 1]
        if day is None:
            return list(self.targets[start:stop])
        return [self.targets[k] for k in range(start, stop) if self.first[k] <= day <= self.last[k]]

    def pairs(self) -> list[tuple[str, str]]:
        """Every linked pair once (for statistics)."""
        found = []
        for node in range(len(self.nodes)):
            for k in range(self.offsets[node], self.offsets[node + 1]):
                if node < self.targets[k]:
                    found.append((self.nodes[node], self.nodes[self.targets[k]]))
        return found

    # -------------------------------------------------------------- persistence
    # paths.bin: a JSON header line (version, counts, a BLAKE2b digest of the rest), the node IRIs one
    # a line, then the four arrays. It is written beside a compiled store after the store's manifest,
    # so it carries its own checksum; a damaged or foreign file is ignored and rebuilt.
    def save(self, folder: Path) -> None:
        import hashlib

        body = "\n".join(self.nodes).encode("utf-8") + b"\n"
        body += b"".join(values.tobytes() for values in (self.offsets, self.targets, self.first, self.last))
        digest = hashlib.blake2b(body).hexdigest()
        header = {"version": 2, "nodes": len(self.nodes), "entries": len(self.targets), "blake2b": digest}
        temporary = folder / f".paths-{os.getpid()}.tmp"
        try:
            with temporary.open("xb") as stream:
                stream.write(json.dumps(header).encode() + b"\n" + body)
            temporary.replace(folder / "paths.bin")
        finally:
            temporary.unlink(missing_ok=True)  # a full disk leaves no temporary file behind

    @classmethod
    def load(cls, folder: Path) -> PathIndex | None:
        """The saved index, or None when it is missing, damaged or of another version."""
        from sco_graph.cache.folder import read_regular

        data = read_regular(folder / "paths.bin")
        if data is None:
            return None
        try:
            return cls._decode(data)
        except (ValueError, KeyError, TypeError, OverflowError, MemoryError):
            return None

    @classmethod
    def _decode(cls, data: bytes) -> PathIndex | None:
        import hashlib

        header_end = data.index(b"\n", 0, 4096)
        header = json.loads(data[:header_end])
        count, entries = int(header["nodes"]), int(header["entries"])
        body = memoryview(data)[header_end + 1 :]
        arrays_size = 8 * (count + 1) + 4 * 3 * entries
        # Counts are checked against the file's size before anything is allocated from them.
        if header.get("version") != 2 or not (count >= 0 and entries >= 0 and arrays_size + count <= len(body)):
            return None
        if hashlib.blake2b(body).hexdigest() != header.get("blake2b"):
            return None
        names_end = len(body) - arrays_size
        nodes = bytes(body[:names_end]).decode("utf-8").split("\n")
        if nodes[-1] != "" or len(nodes) != count + 1:
            return None
        arrays, position = [], names_end
        for typecode, length in (("q", count + 1), ("i", entries), ("i", entries), ("i", entries)):
            values = array(typecode)
            values.frombytes(body[position : position + values.itemsize * length])
            position += values.itemsize * length
            arrays.append(values)
        offsets, targets = arrays[0], arrays[1]
        if offsets[0] != 0 or offsets[-1] != entries or (entries and not 0 <= min(targets) <= max(targets) < count):
            return None
        return cls(nodes[:-1], *arrays)


def _day_of(term: Term | None, latest: bool) -> int | None:
    if not isinstance(term, Literal):
        return None
    try:
        date = PartialDate.from_literal(term.value, term.datatype)
    except ValueError:
        return None
    return (date.latest() if latest else date.earliest()).toordinal()


def _objects(graph: Graph, predicate: str) -> dict[str, list[Term]]:
    """Every subject's values of one predicate: a single-pattern scan, the fastest the engines offer."""
    grouped: dict[str, list[Term]] = {}
    for row in graph.store.select(f"SELECT ?s ?o WHERE {{ ?s <{predicate}> ?o }}"):
        grouped.setdefault(row["s"].value, []).append(row["o"])
    return grouped


class _Values:
    """Predicate values fetched on first use and shared by all rules."""

    def __init__(self, graph: Graph) -> None:
        self.graph = graph
        self.fetched: dict[str, dict[str, list[Term]]] = {}

    def of(self, predicate: str) -> dict[str, list[Term]]:
        if predicate not in self.fetched:
            self.fetched[predicate] = _objects(self.graph, predicate)
        return self.fetched[predicate]

    def iris(self, node: str, roles: tuple[str, ...]) -> list[str]:
        found: list[str] = []
        for role in roles:
            found.extend(term.value for term in self.of(ROLE_PREDICATES[role]).get(node, ()) if isinstance(term, IRI))
        return found

    def day(self, node: str, predicate: str, latest: bool) -> int | None:
        days = [day for term in self.of(SCO + predicate).get(node, ()) if (day := _day_of(term, latest)) is not None]
        return (max(days) if latest else min(days)) if days else None


# The roles at the two ends of each kind of fact.
FACT_ENDS = {
    "position": (("holder", "organisation"),),
    "membership": (("member", "organisation"),),
    "partnership": (("party", "party"),),
}


def build_path_index(graph: Graph) -> PathIndex:
    """Link every pair of entities that some relation links, with the days it holds.

    Reads one predicate at a time and joins in Python: engines answer single
    patterns far faster than the multi-pattern joins the rules would need.
    """
    spans: dict[tuple[str, str], tuple[int, int]] = {}

    def link(a: str, b: str, first: int, last: int) -> None:
        if a == b:
            return
        for key in ((a, b), (b, a)):
            old = spans.get(key)
            spans[key] = (first, last) if old is None else (min(old[0], first), max(old[1], last))

    typed: dict[str, set[str]] = {}
    classes = values_clause("t", [*EVENT_TYPES, *FACT_TYPES])
    for row in graph.store.select(f"SELECT ?s ?t WHERE {{ {classes} ?s a ?t }}"):
        typed.setdefault(row["s"].value, set()).add(row["t"].value)
    values = _Values(graph)
    for node, node_classes in typed.items():
        kind = type_name(node_classes, EVENT_TYPES)
        if kind is not None:
            day = values.day(node, "date", latest=True) or values.day(node, "notAfter", latest=True)
            for a, b in _event_pairs(values, node, kind):
                link(a, b, FOREVER if day is None else day, FOREVER)
            continue
        start = values.day(node, "start", latest=False) or values.day(node, "attested", latest=False)
        end = values.day(node, "end", latest=True)
        first, last = FOREVER if start is None else start, FOREVER if end is None else end
        for role_a, role_b in FACT_ENDS.get(type_name(node_classes, FACT_TYPES) or "", ()):
            for a in values.iris(node, (role_a,)):
                for b in values.iris(node, (role_b,)):
                    link(a, b, first, last)
    kinds, relations = values_clause("t", ENTITY_TYPES), values_clause("p", ENTITY_RELATIONS)
    for row in graph.store.select(f"SELECT ?a ?b WHERE {{ {kinds} {relations} ?a a ?t ; ?p ?b }}"):
        link(row["a"].value, row["b"].value, NOT_BEFORE, FOREVER)
    return _compact(spans)


def _event_pairs(values: _Values, node: str, kind: str) -> list[tuple[str, str]]:
    pairs: list[tuple[str, str]] = []
    for rule in EVENT_RULES:
        if rule.event_type == kind:
            sources = values.iris(node, rule.sources)
            if rule.targets:
                pairs.extend(product(sources, values.iris(node, rule.targets)))
            else:
                pairs.extend(combinations(sources, 2))
    return pairs


def _compact(spans: dict[tuple[str, str], tuple[int, int]]) -> PathIndex:
    nodes = sorted({a for a, _ in spans})
    ids = {iri: number for number, iri in enumerate(nodes)}
    offsets, targets, firsts, lasts = array("q", [0]), array("i"), array("i"), array("i")
    by_node: dict[int, list[tuple[int, int, int]]] = {}
    for (a, b), (start, end) in spans.items():
        by_node.setdefault(ids[a], []).append((ids[b], start, end))
    for node in range(len(nodes)):
        for target, start, end in sorted(by_node.get(node, [])):
            targets.append(target)
            firsts.append(start)
            lasts.append(end)
        offsets.append(len(targets))
    return PathIndex(nodes, offsets, targets, firsts, lasts)


def path_index(graph: Graph) -> PathIndex:
    """The path index of the graph: loaded from the cache entry, or built (and kept there when possible)."""
    folder = graph.cache_entry
    if folder is not None:
        loaded = PathIndex.load(folder)
        if loaded is not None:
            return loaded
    index = build_path_index(graph)
    if folder is not None:
        with contextlib.suppress(OSError):  # a read-only cache only costs a rebuild next time
            index.save(folder)
    return index
