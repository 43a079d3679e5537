"""Backend-neutral RDF terms and result rows.

Queries receive rows of these plain terms whether the data is the local
compiled store or a remote SPARQL endpoint, so the rest of the code never
depends on a particular RDF library.
"""

from __future__ import annotations

from typing import NamedTuple

from sco_graph.model import XSD


class IRI(NamedTuple):
    value: str

    def n3(self) -> str:
        return f"<{self.value}>"


class BlankNode(NamedTuple):
    value: str

    def n3(self) -> str:
        return f"_:{self.value}"


_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}


class Literal(NamedTuple):
    value: str
    datatype: str = XSD + "string"
    language: str | None = None

    def n3(self) -> str:
        escaped = "".join(_ESCAPES.get(char, char) for char in self.value)
        if self.language:
            return f'"{escaped}"@{self.language}'
        return f'"{escaped}"^^<{self.datatype}>'


Term = IRI | BlankNode | Literal
Row = dict[str, Term]
