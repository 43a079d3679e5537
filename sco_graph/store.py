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
from sco_graph.results import SparqlResult
from sco_graph.sandbox import DEFAULT_MEMORY_MIB as DEFAULT_MEMORY_MIB  # noqa: PLC0414 - re-exported
from sco_graph.sandbox import QueryMemoryError as QueryMemoryError  # noqa: PLC0414 - re-exported
from sco_graph.sandbox import QueryTimeoutError as QueryTimeoutError  # noqa: PLC0414 - re-exported
from sco_graph.sandbox import run_query, send_answer
from sco_graph.terms import IRI, BlankNode, Literal, Row, Term

if TYPE_CHECKING:
    import pyoxigraph

    from sco_graph.sandbox import Sender


class Store(Protocol):
    """Anything that answers SPARQL queries over the sco-graph data."""

    description: str

    def select(self, query: str, bindings: Mapping[str, Term] | None = None) -> list[Row]:
        """Run a SELECT query (prefixes are added) with variables bound to terms."""
        ...

    def run(self, query: str, limit: int, timeout: float, *, memory_mib: int = DEFAULT_MEMORY_MIB) -> SparqlResult:
        """Run a user's read-only query (project prefixes predeclared) within ``limit`` rows and ``timeout`` s."""
        ...


class _Converter:
    """Turns pyoxigraph terms into plain ones, reusing the IRI objects it has made (rows repeat them)."""

    def __init__(self) -> None:
        import pyoxigraph as ox

        self.named, self.literal = ox.NamedNode, ox.Literal
        self.iris: dict[str, IRI] = {}

    def __call__(self, term: object) -> Term:
        kind = type(term)
        if kind is self.named:
            value: str = term.value  # type: ignore[attr-defined]
            iri = self.iris.get(value)
            if iri is None:
                iri = self.iris[value] = IRI(value)
            return iri
        if kind is self.literal:
            return Literal(term.value, term.datatype.value, term.language)  # type: ignore[attr-defined]
        return from_oxigraph(term)


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
    """A store backed by an in-process pyoxigraph store (compiled at ``location`` when on disk)."""

    def __init__(self, store: pyoxigraph.Store, description: str, location: str | None = None) -> None:
        self._store = store
        self.description = description
        self.location = location

    @property
    def oxigraph(self) -> pyoxigraph.Store:
        return self._store

    def select(self, query: str, bindings: Mapping[str, Term] | None = None) -> list[Row]:
        import pyoxigraph as ox

        solutions = self._store.query(SPARQL_PREFIXES + bind(query, bindings))
        assert isinstance(solutions, ox.QuerySolutions)
        columns = list(enumerate(variable.value for variable in solutions.variables))
        convert = _Converter()
        rows: list[Row] = []
        for solution in solutions:
            row: Row = {}
            for index, name in columns:
                value = solution[index]
                if value is not None:
                    row[name] = convert(value)
            rows.append(row)
        return rows

    def run(self, query: str, limit: int, timeout: float, *, memory_mib: int = DEFAULT_MEMORY_MIB) -> SparqlResult:
        """Run a user's query in a sandboxed child process (see :mod:`sco_graph.sandbox`).

        The child has no network, at most ``memory_mib`` MiB more memory than
        it started with, and ``timeout`` seconds for the whole answer; rows
        stream back lazily (read ``truncated`` after reading the rows).
        """
        from functools import partial

        work = partial(self._answer, SPARQL_PREFIXES + query, limit)
        return run_query(work, limit, timeout, memory_mib, SPARQL_PREFIXES.count("\n"))

    def _answer(self, query: str, limit: int, sender: Sender, sandboxed: bool) -> None:
        """In the child: open the store afresh (a database handle does not survive fork) and stream the answer."""
        import pyoxigraph as ox

        try:
            if not sandboxed and _SERVICE.search(query):
                sender.send(("refused", f"refused: {NO_SANDBOX}; queries run over the loaded data only"))
                return
            store = ox.Store.read_only(self.location) if self.location else self._store
        except Exception as error:  # noqa: BLE001 - reported to the parent, never as a traceback
            sender.send(("error", " ".join(str(error).split())))
            sender.close()
            return
        try:
            send_answer(store.query(query), limit, sender)
        except SyntaxError as error:
            sender.send(("syntax", str(error)))
        except MemoryError:
            sender.send(("memory", None))
        except PermissionError:  # the network filter at work (the store itself was opened above)
            sender.send(("refused", "refused: the query tried to reach the network; it runs over the loaded data only"))
        except Exception as error:  # noqa: BLE001 - reported to the parent, never as a traceback
            sender.send(("error", " ".join(str(error).split())))
        finally:
            sender.close()


_SERVICE = re.compile("service", re.IGNORECASE)
NO_SANDBOX = "SERVICE is refused outright where the network sandbox is unavailable"
