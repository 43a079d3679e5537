"""The entity graph for Neo4j: a Cypher script, or the CSV files ``neo4j-admin database import`` reads.

Both carry the nodes and edges of :mod:`sco_graph.export_network`. Every node has
the label ``Entity`` and one for its type (``Person``, ``UnnamedOfficeHolder``),
its IRI, label and type as properties; every relationship's type is its relation
in capitals (``OBSERVER_OF``), with the edge's attributes as properties.

The Cypher script (``--format cypher``) is one statement a line: a uniqueness
constraint, a ``MERGE`` per node and a ``MATCH``/``CREATE`` per relationship, for
``cypher-shell -f``. Values are Cypher literals: strings in single quotes with
backslash, quote and every control character escaped, so no text can end the
literal early; labels and types in backquotes, which are doubled inside. Lists
are Cypher lists and empty values are left out.

The import files (``--format neo4j``) follow the CSV export's naming: the
relationships in FILE (``:START_ID``, ``:END_ID``, ``:TYPE``) and the nodes in FILE's
name with ``.nodes`` before the ending (``iri:ID``, ``:LABEL``). Lists are JSON
arrays, as in the CSV export, since neo4j-admin's own array cells cannot hold
their delimiter.
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING

from sco_graph.export_network import LISTS, Batched, EdgeRow, Network, csv_rows

if TYPE_CHECKING:
    from sco_graph.export_files import Sink

NEO4J_FORMATS = ("cypher", "neo4j")
ENTITY_LABEL = "Entity"
# The edge attributes a relationship carries, in this order (its ends and type are the relationship itself).
PROPERTIES = ("relation", "date", "start", "end", "attested", "node", "detail", "sources", "seed_files",
              "symmetric", "headline_only")  # fmt: skip
NODE_HEADER = ["iri:ID", "label", "type", ":LABEL"]
RELATIONSHIP_HEADER = [":START_ID", ":END_ID", ":TYPE", *PROPERTIES[:-2], "symmetric:boolean", "headline_only:boolean"]

# What a Cypher string literal may not hold raw: controls, line and paragraph separators, bidirectional
# controls and lone surrogates (written \uXXXX), besides the backslash and the quote.
_CYPHER_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_NAMED = {"\\": "\\\\", "'": "\\'", "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def type_label(kind: str) -> str:
    """The node label for an entity type: its words capitalised and joined (``UnnamedOfficeHolder``); may be empty."""
    return "".join(word[:1].upper() + word[1:] for word in re.split(r"\W+|_", kind))


def relationship_type(relation: str) -> str:
    """The relationship type for a relation: its words in capitals, joined by ``_`` (``OBSERVER_OF``)."""
    return "_".join(word.upper() for word in re.split(r"\W+|_", relation) if word) or "RELATED_TO"


def cypher_string(text: str) -> str:
    """``text`` as a single-quoted Cypher string literal that reads back as exactly ``text``."""

    def escape(match: re.Match[str]) -> str:
        char = match.group()
        return _NAMED.get(char) or f"\\u{ord(char):04x}"

    return "'" + re.sub(r"[\\']|" + _CYPHER_UNSAFE.pattern, escape, text) + "'"


def cypher_name(name: str) -> str:
    """A label, relationship type or property name in backquotes (a backquote inside is doubled)."""
    return "`" + name.replace("`", "``") + "`"


def _value(name: str, value: str | bool) -> str | None:
    """A property's Cypher literal; None for an empty value, which is left out."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if name in LISTS:
        items = json.loads(value)
        return "[" + ", ".join(cypher_string(item) for item in items) + "]" if items else None
    return cypher_string(value) if value else None


def _labels(kind: str) -> list[str]:
    extra = type_label(kind)
    return [ENTITY_LABEL, extra] if extra and extra != ENTITY_LABEL else [ENTITY_LABEL]


def _cypher(network: Network, out: Batched) -> None:
    entity = cypher_name(ENTITY_LABEL)
    out.add("// The sco-graph entity graph. Run it on an empty database: cypher-shell -f FILE\n")
    out.add(f"CREATE CONSTRAINT sco_graph_entity_iri IF NOT EXISTS FOR (n:{entity}) REQUIRE n.iri IS UNIQUE;\n")
    for iri, (label, kind) in network.nodes.items():
        extra = "".join(f":{cypher_name(name)}" for name in _labels(kind)[1:])
        out.add(
            f"MERGE (n:{entity} {{iri: {cypher_string(iri)}}}) SET n{extra}, "
            f"n.label = {cypher_string(label)}, n.type = {cypher_string(kind)};\n"
        )
    for edge in network.edges:
        out.add(_relationship(edge, entity))


def _relationship(edge: EdgeRow, entity: str) -> str:
    shown = ((name, _value(name, edge.get(name))) for name in PROPERTIES)
    properties = ", ".join(f"{cypher_name(name)}: {value}" for name, value in shown if value is not None)
    kind = cypher_name(relationship_type(str(edge.get("relation"))))
    return (
        f"MATCH (a:{entity} {{iri: {cypher_string(edge.source)}}}), (b:{entity} {{iri: {cypher_string(edge.target)}}}) "
        f"CREATE (a)-[:{kind} {{{properties}}}]->(b);\n"
    )


def _import_nodes(network: Network, out: Batched) -> None:
    rows = ([iri, label, kind, ";".join(_labels(kind))] for iri, (label, kind) in network.nodes.items())
    csv_rows(NODE_HEADER, rows, out)


def _import_relationships(network: Network, out: Batched) -> None:
    def row(edge: EdgeRow) -> list[str]:
        values = [str(edge.get(name)) for name in PROPERTIES[:-2]]
        flags = ["true" if edge.get(name) else "false" for name in PROPERTIES[-2:]]
        return [edge.source, edge.target, relationship_type(str(edge.get("relation"))), *values, *flags]

    csv_rows(RELATIONSHIP_HEADER, (row(edge) for edge in network.edges), out)


def write_neo4j(network: Network, fmt: str, sink: Sink, part: str = "") -> None:
    """Write ``network`` as a Cypher script, or as neo4j-admin import files: relationships ("") and ``.nodes``."""
    out = Batched(sink)
    if fmt == "cypher":
        _cypher(network, out)
    elif part == ".nodes":
        _import_nodes(network, out)
    else:
        _import_relationships(network, out)
    out.flush()
