"""The store interface every query runs against, and the local implementation.

A :class:`Store` answers SPARQL SELECT queries with rows of plain terms. User
input reaches a query only as bound terms (``bindings``), never as query text.
The local store wraps a pyoxigraph store compiled from the data files (see
:mod:`sco_graph.cache`); a remote endpoint can implement the same protocol.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Protocol

from sco_graph.model import SPARQL_PREFIXES
from sco_graph.terms import IRI, BlankNode, Literal, Row, Term

if TYPE_CHECKING:
    import pyoxigraph


class Store(Protocol):
    """Anything that answers SPARQL SELECT queries over the sco-graph data."""

    description: str

    def select(self, query: str, bindings: Mapping[str, Term] | None = None) -> list[Row]:
        """Run a SELECT query (prefixes are added) with variables bound to terms."""
        ...


def from_oxigraph(term: object) -> Term:
    """Convert a pyoxigraph term to a plain term."""
    import pyoxigraph as ox

    if isinstance(term, ox.NamedNode):
        return IRI(term.value)
    if isinstance(term, ox.BlankNode):
        return BlankNode(term.value)
    if isinstance(term, ox.Literal):
        return Literal(term.value, term.datatype.value, term.language)
    raise TypeError(f"unsupported term {term!r}")


_WHERE = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)
_VARIABLE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def bind(query: str, bindings: Mapping[str, Term] | None) -> str:
    """Bind variables to terms with a VALUES block at the start of the WHERE clause.

    Terms are serialised by :meth:`~sco_graph.terms.Literal.n3` with full
    escaping, so user input can never change the query's structure.
    """
    if not bindings:
        return query
    match = _WHERE.search(query)
    if match is None:
        raise ValueError("a query with bindings needs a WHERE clause")
    for name in bindings:
        if not _VARIABLE.match(name):
            raise ValueError(f"{name!r} is not a SPARQL variable name")
    names = " ".join(f"?{name}" for name in bindings)
    values = " ".join(_checked(term).n3() for term in bindings.values())
    block = f" VALUES ({names}) {{ ({values}) }} "
    return query[: match.end()] + block + query[match.end() :]


def _checked(term: Term) -> Term:
    if isinstance(term, IRI) and any(char in term.value for char in '<>"{}|^`\\ \n\t\r'):
        raise ValueError(f"{term.value!r} is not a valid IRI")
    return term


class LocalStore:
    """A store backed by an in-process pyoxigraph store."""

    def __init__(self, store: pyoxigraph.Store, description: str) -> None:
        self._store = store
        self.description = description

    @property
    def oxigraph(self) -> pyoxigraph.Store:
        return self._store

    def select(self, query: str, bindings: Mapping[str, Term] | None = None) -> list[Row]:
        import pyoxigraph as ox

        solutions = self._store.query(SPARQL_PREFIXES + bind(query, bindings))
        assert isinstance(solutions, ox.QuerySolutions)
        names = [variable.value for variable in solutions.variables]
        rows: list[Row] = []
        for solution in solutions:
            row: Row = {}
            for name in names:
                value = solution[name]
                if value is not None:
                    row[name] = from_oxigraph(value)
            rows.append(row)
        return rows
