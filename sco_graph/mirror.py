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
from collections.abc import Iterable
from itertools import combinations, product
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sco_graph.dates import PartialDate, When
from sco_graph.graph import Graph, values_clause
from sco_graph.model import ENTITY_TYPES, EVENT_TYPES, FACT_TYPES, SCO, STATUSES, short_iri, type_name
from sco_graph.relations import ENTITY_RELATIONS, EVENT_RULES, ROLE_PREDICATES, STATUS_RELATIONS, all_edges
from sco_graph.results import Edge, Period, cite
from sco_graph.terms import IRI, Literal, Row, Term

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
    ``attested`` lists, space-separated, the days on which sources state a fact;
    ``headline_only`` is true when the only evidence is a dated headline listed beside an article.
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
        "headline_only": edge.headline_only,
        "source": cite(edge.citations),
        "seed_files": " ".join(sorted({c.source.seed_file or c.source.iri for c in edge.citations})),
    }


def entity_graph(graph: Graph) -> nx.MultiDiGraph[str]:
    """Every entity and relation, inserted in a stable order so exports are deterministic."""
    import networkx as nx

    from sco_graph.graph import local_only

    local_only(graph, "the entity graph", "export from the server's own dump instead")
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
FOREVER = 2**31 - 1  # "until" of an open period; the day of something undated
NOT_BEFORE = -(2**31)
INDEX_VERSION = 4
EVENT, FACT, ENTITY = "event", "fact", "entity"  # where a relation kind comes from: how its days read


class PathIndex:
    """Which entities are linked, by which kind of relation, on which days: a compact adjacency for path search.

    One entry per linked pair, relation kind and span, in both directions. An
    event's entry spans its date (``first`` its earliest day, ``last`` its latest;
    an event known only as "by D" runs from ``NOT_BEFORE`` to D, an undated one is
    ``FOREVER``); a fact's runs from its stated start (or first attestation) to its
    stated end, open when none is stated; an entity's own relations hold always.
    Built with one SPARQL query per predicate (no Python object per triple), kept
    beside the compiled store as flat integer arrays that load in milliseconds.
    """

    def __init__(  # noqa: PLR0917 - the arrays of one index
        self,
        nodes: list[str],
        offsets: array[int],
        targets: array[int],
        first: array[int],
        last: array[int],
        kinds: array[int] | None = None,
        kind_names: list[tuple[str, str]] | None = None,
    ):
        self.nodes = nodes
        self.offsets, self.targets, self.first, self.last = offsets, targets, first, last
        self.kinds = kinds if kinds is not None else array("H", [0] * len(targets))
        self.kind_names = kind_names if kind_names is not None else [("linked to", ENTITY)]
        self.event_kind = [family == EVENT for _, family in self.kind_names]
        self._ids: dict[str, int] | None = None
        self.known_links: dict[int, int] = {}  # linked-entity counts of nodes not all of whose entries are here

    def links(self, node: int) -> int:
        """How many entities are linked to ``node`` by any relation at any time (what makes it a hub)."""
        count = self.known_links.get(node)
        if count is None:
            start, stop = self.offsets[node], self.offsets[node + 1]
            count = self.known_links[node] = len(set(self.targets[start:stop]))
        return count

    def id_of(self, iri: str) -> int | None:
        if self._ids is None:
            self._ids = {iri: number for number, iri in enumerate(self.nodes)}
        return self._ids.get(iri)

    def kind_id(self, name: str) -> int | None:
        for number, (kind, _) in enumerate(self.kind_names):
            if kind == name:
                return number
        return None

    def holds(self, entry: int, day: int) -> bool:
        """Whether an entry's relation holds (a fact) or had happened (an event) by ``day``."""
        if self.event_kind[self.kinds[entry]]:
            return self.last[entry] <= day
        return self.first[entry] <= day <= self.last[entry]

    def degree(self, node: int) -> int:
        return self.offsets[node + 1] - self.offsets[node]

    def neighbours(self, node: int, day: int | None) -> list[int]:
        start, stop = self.offsets[node], self.offsets[node + 1]
        if day is None:
            return list(dict.fromkeys(self.targets[start:stop]))
        return list(dict.fromkeys(self.targets[k] for k in range(start, stop) if self.holds(k, day)))

    def pairs(self) -> list[tuple[str, str]]:
        """Every linked pair once (for statistics)."""
        found = []
        for node in range(len(self.nodes)):
            for target in self.neighbours(node, None):
                if node < target:
                    found.append((self.nodes[node], self.nodes[target]))
        return found

    # -------------------------------------------------------------- persistence
    # paths.bin: a JSON header line (version, counts, a BLAKE2b digest of the rest), the node IRIs one
    # a line, the relation kinds one a line ("family name"), then the five arrays. It is written beside
    # a compiled store after the store's manifest, so it carries its own checksum; a damaged, foreign or
    # older file is ignored and rebuilt.
    def _arrays(self) -> tuple[array[int], ...]:
        return (self.offsets, self.targets, self.kinds, self.first, self.last)

    def save(self, folder: Path) -> None:
        import hashlib

        kinds = [f"{family} {name}" for name, family in self.kind_names]
        body = "\n".join([*self.nodes, *kinds]).encode("utf-8") + b"\n"
        body += b"".join(values.tobytes() for values in self._arrays())
        digest = hashlib.blake2b(body).hexdigest()
        header = {
            "version": INDEX_VERSION,
            "nodes": len(self.nodes),
            "kinds": len(kinds),
            "entries": len(self.targets),
            "blake2b": digest,
        }
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
        count, kinds, entries = int(header["nodes"]), int(header["kinds"]), int(header["entries"])
        body = memoryview(data)[header_end + 1 :]
        arrays_size = 8 * (count + 1) + (4 + 2 + 4 + 4) * entries
        # Counts are checked against the file's size before anything is allocated from them.
        if header.get("version") != INDEX_VERSION or not (
            count >= 0 and kinds >= 0 and entries >= 0 and arrays_size + count + kinds <= len(body)
        ):
            return None
        if hashlib.blake2b(body).hexdigest() != header.get("blake2b"):
            return None
        names_end = len(body) - arrays_size
        lines = bytes(body[:names_end]).decode("utf-8").split("\n")
        if lines[-1] != "" or len(lines) != count + kinds + 1:
            return None
        kind_names = [(line.partition(" ")[2], line.partition(" ")[0]) for line in lines[count:-1]]
        arrays, position = [], names_end
        for typecode, length in (("q", count + 1), ("i", entries), ("H", entries), ("i", entries), ("i", entries)):
            values = array(typecode)
            values.frombytes(body[position : position + values.itemsize * length])
            position += values.itemsize * length
            arrays.append(values)
        offsets, targets, kind_ids, first, last = arrays
        if offsets[0] != 0 or offsets[-1] != entries or (entries and not 0 <= min(targets) <= max(targets) < count):
            return None
        if entries and max(kind_ids) >= kinds:
            return None
        return cls(lines[:count], offsets, targets, first, last, kind_ids, kind_names)


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
    """Predicate values fetched on first use and shared by all rules (or given up front, without a graph)."""

    def __init__(self, graph: Graph | None, given: dict[str, dict[str, list[Term]]] | None = None) -> None:
        self.graph = graph
        self.fetched: dict[str, dict[str, list[Term]]] = given if given is not None else {}

    def of(self, predicate: str) -> dict[str, list[Term]]:
        if predicate not in self.fetched:
            self.fetched[predicate] = {} if self.graph is None else _objects(self.graph, predicate)
        return self.fetched[predicate]

    def iris(self, node: str, roles: tuple[str, ...]) -> list[str]:
        found: list[str] = []
        for role in roles:
            found.extend(term.value for term in self.of(ROLE_PREDICATES[role]).get(node, ()) if isinstance(term, IRI))
        return found

    def day(self, node: str, predicate: str, latest: bool) -> int | None:
        days = [day for term in self.of(SCO + predicate).get(node, ()) if (day := _day_of(term, latest)) is not None]
        return (max(days) if latest else min(days)) if days else None


# The roles at the two ends of each kind of fact, and the relation it states.
FACT_ENDS = {
    "position": (("holder", "organisation"),),
    "membership": (("member", "organisation"),),
    "partnership": (("party", "party"),),
}
FACT_RELATIONS = {"position": "holds a position in", "partnership": "partner organisation of"}


class Entries:
    """The entries of an index as they are found: (a, b, kind, first, last), each once, in both directions."""

    def __init__(self) -> None:
        self.found: set[tuple[str, str, int, int, int]] = set()
        self.kinds: dict[str, int] = {}
        self.families: list[tuple[str, str]] = []

    def link(self, a: str, b: str, relation: str, family: str, span: tuple[int, int]) -> None:
        first, last = span
        if a == b:
            return
        kind = self.kinds.get(relation)
        if kind is None:
            kind = self.kinds[relation] = len(self.families)
            self.families.append((relation, family))
        self.found.add((a, b, kind, first, last))
        self.found.add((b, a, kind, first, last))


def _event_span(values: _Values, node: str) -> tuple[int, int]:
    earliest, latest = values.day(node, "date", latest=False), values.day(node, "date", latest=True)
    if earliest is not None and latest is not None:
        return earliest, latest
    bound = values.day(node, "notAfter", latest=True)
    return (NOT_BEFORE, bound) if bound is not None else (FOREVER, FOREVER)


def _fact_span(values: _Values, node: str) -> tuple[int, int]:
    start = values.day(node, "start", latest=False) or values.day(node, "attested", latest=False)
    end = values.day(node, "end", latest=True)
    return (FOREVER if start is None else start), (FOREVER if end is None else end)


def _fact_relations(values: _Values, node: str, kind: str) -> list[str]:
    if kind != "membership":
        return [FACT_RELATIONS[kind]]
    statuses = [term.value for term in values.of(SCO + "status").get(node, ()) if isinstance(term, IRI)]
    return [STATUS_RELATIONS.get(name, f"{name} of") for name in (STATUSES.get(s, short_iri(s)) for s in statuses)]


def build_path_index(graph: Graph) -> PathIndex:
    """Link every pair of entities that some relation links, with the relation's kind and days.

    Reads one predicate at a time and joins in Python: engines answer single
    patterns far faster than the multi-pattern joins the rules would need.
    """
    entries = Entries()
    typed: dict[str, set[str]] = {}
    classes = values_clause("t", [*EVENT_TYPES, *FACT_TYPES])
    for row in graph.store.select(f"SELECT ?s ?t WHERE {{ {classes} ?s a ?t }}"):
        typed.setdefault(row["s"].value, set()).add(row["t"].value)
    link_nodes(_Values(graph), typed, entries)
    kinds, relations = values_clause("t", ENTITY_TYPES), values_clause("p", ENTITY_RELATIONS)
    link_entities(graph.store.select(f"SELECT ?a ?p ?b WHERE {{ {kinds} {relations} ?a a ?t ; ?p ?b }}"), entries)
    return compact(entries)


def link_nodes(values: _Values, typed: dict[str, set[str]], entries: Entries) -> None:
    """Link the entities each event or fact node (with its classes) relates, by the relation rules."""
    for node, node_classes in typed.items():
        kind = type_name(node_classes, EVENT_TYPES)
        if kind is not None:
            span = _event_span(values, node)
            for a, b, relation in _event_pairs(values, node, kind):
                entries.link(a, b, relation, EVENT, span)
            continue
        fact = type_name(node_classes, FACT_TYPES) or ""
        span = _fact_span(values, node)
        for role_a, role_b in FACT_ENDS.get(fact, ()):
            for relation in _fact_relations(values, node, fact):
                for a in values.iris(node, (role_a,)):
                    for b in values.iris(node, (role_b,)):
                        entries.link(a, b, relation, FACT, span)


# What the rules read of an event or fact node: its classes, roles, dates and statuses.
NODE_PREDICATES = (
    RDF_TYPE := "http://www.w3.org/1999/02/22-rdf-syntax-ns#type",
    *sorted(set(ROLE_PREDICATES.values())),
    *(SCO + name for name in ("date", "notAfter", "start", "end", "attested", "status")),
)


def link_described(rows: Iterable[Row], entries: Entries) -> None:
    """Link the entities event and fact nodes relate, from rows of ``?n ?p ?o`` covering :data:`NODE_PREDICATES`."""
    typed: dict[str, set[str]] = {}
    given: dict[str, dict[str, list[Term]]] = {}
    for row in rows:
        node, predicate, value = row["n"].value, row["p"].value, row["o"]
        if predicate == RDF_TYPE:
            typed.setdefault(node, set()).add(value.value)
        else:
            given.setdefault(predicate, {}).setdefault(node, []).append(value)
    nodes = {node: classes for node, classes in typed.items() if classes & _NODE_CLASSES}
    link_nodes(_Values(None, given), nodes, entries)


_NODE_CLASSES = {*EVENT_TYPES, *FACT_TYPES}


def link_entities(rows: Iterable[Row], entries: Entries) -> None:
    """Link entities by the relations their own descriptions state (rows of ``?a ?p ?b``)."""
    for row in rows:
        relation = ENTITY_RELATIONS[row["p"].value]
        entries.link(row["a"].value, row["b"].value, relation, ENTITY, (NOT_BEFORE, FOREVER))


def _event_pairs(values: _Values, node: str, kind: str) -> list[tuple[str, str, str]]:
    pairs: list[tuple[str, str, str]] = []
    for rule in EVENT_RULES:
        if rule.event_type == kind:
            sources = values.iris(node, rule.sources)
            if rule.targets:
                pairs.extend((a, b, rule.relation) for a, b in product(sources, values.iris(node, rule.targets)))
            else:
                pairs.extend((a, b, rule.relation) for a, b in combinations(sources, 2))
    return pairs


def compact(entries: Entries, links: dict[str, int] | None = None) -> PathIndex:
    """The index of the entries found: nodes and relation kinds in sorted order, so any two builds agree.

    ``links`` gives the number of linked entities of nodes whose entries are not all among those found.
    """
    nodes = sorted({a for a, *_ in entries.found})
    ids = {iri: number for number, iri in enumerate(nodes)}
    order = sorted(range(len(entries.families)), key=lambda kind: entries.families[kind])
    renumber = {old: new for new, old in enumerate(order)}
    families = [entries.families[old] for old in order]
    offsets, targets, kinds, firsts, lasts = array("q", [0]), array("i"), array("H"), array("i"), array("i")
    by_node: dict[int, list[tuple[int, int, int, int]]] = {}
    for a, b, kind, first, last in entries.found:
        by_node.setdefault(ids[a], []).append((ids[b], renumber[kind], first, last))
    for node in range(len(nodes)):
        for target, kind, first, last in sorted(by_node.get(node, [])):
            targets.append(target)
            kinds.append(kind)
            firsts.append(first)
            lasts.append(last)
        offsets.append(len(targets))
    index = PathIndex(nodes, offsets, targets, firsts, lasts, kinds, families)
    for iri, count in (links or {}).items():
        number = ids.get(iri)
        if number is not None:
            index.known_links[number] = count
    return index


def path_index(graph: Graph) -> PathIndex:
    """The path index of the graph: loaded from the cache entry, or built (and kept there when possible)."""
    from sco_graph.graph import local_only

    local_only(graph, "the index of every relation", "ask about named entities, or run it where the data is")
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
