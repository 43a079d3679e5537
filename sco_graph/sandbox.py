"""The query sandbox: one user query answered in a confined child, its rows streamed back as they are read.

The query runs in a :class:`~sco_graph.child.Child`: a forked process that
dies with sco-graph, has its data memory capped at what it already uses plus
``memory_mib``, and cannot open network sockets, so neither Python nor
pyoxigraph's own HTTP client (SERVICE) can reach the network (see
:mod:`sco_graph.confine`). Where that filter cannot be installed (not Linux
x86_64 or aarch64), a query that mentions SERVICE at all is refused.

This module owns what goes through the pipe: the child encodes pyoxigraph
terms as compact built-in values and sends them as a header, batches of rows
and an end (:func:`send_answer`); the parent decodes them into
:mod:`sco_graph.terms` only as the renderer reads them (:class:`RowStream`),
so a result of a million rows never sits in the parent's memory. The deadline
covers the whole query, streaming included. :func:`run_query` runs a query
this way; :func:`oxigraph_syntax_error` asks Oxigraph's parser in a child.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import Any

from sco_graph.child import DEFAULT_MEMORY_MIB as DEFAULT_MEMORY_MIB  # noqa: PLC0414 - re-exported
from sco_graph.child import Child as Child  # noqa: PLC0414 - re-exported
from sco_graph.child import QueryMemoryError as QueryMemoryError  # noqa: PLC0414 - re-exported
from sco_graph.child import QueryTimeoutError as QueryTimeoutError  # noqa: PLC0414 - re-exported
from sco_graph.child import Sender as Sender  # noqa: PLC0414 - re-exported
from sco_graph.child import Work as Work  # noqa: PLC0414 - re-exported
from sco_graph.child import memory_message
from sco_graph.errors import ScoGraphError, UsageError
from sco_graph.escape import one_line
from sco_graph.results import SparqlResult
from sco_graph.terms import IRI, BlankNode, Literal, Term

ROWS_PER_BATCH = 1000


# ------------------------------------------------------------------ the answer, child side
def _encoder() -> Callable[[object], object]:
    """Turns a pyoxigraph term into a compact picklable value: IRI -> str, blank node -> (id,), literal -> 3-tuple."""
    import pyoxigraph as ox

    named, literal, blank = ox.NamedNode, ox.Literal, ox.BlankNode

    def encode(term: Any) -> object:
        kind = type(term)
        if kind is named:
            return term.value
        if term is None:
            return None
        if kind is literal:
            return (term.value, term.datatype.value, term.language)
        if kind is blank:
            return (term.value,)
        raise TypeError(f"sco-graph cannot show a {kind.__name__} term")

    return encode


def _encoded_rows(answer: object) -> tuple[str, tuple[str, ...], Iterator[tuple[object, ...]]]:
    import pyoxigraph as ox

    encode = _encoder()
    if isinstance(answer, ox.QuerySolutions):
        variables = tuple(variable.value for variable in answer.variables)
        columns = range(len(variables))
        return "select", variables, (tuple([encode(row[i]) for i in columns]) for row in answer)
    assert isinstance(answer, ox.QueryTriples)
    rows = ((encode(t.subject), encode(t.predicate), encode(t.object)) for t in answer)
    return "graph", ("subject", "predicate", "object"), rows


def send_answer(answer: object, limit: int, sender: Sender) -> None:
    """In the child: send a pyoxigraph answer as a header, batches of encoded rows, and the end (truncated?).

    The first row is computed before the header goes out, so that most
    evaluation errors arrive before the parent has written anything.
    """
    import itertools

    import pyoxigraph as ox

    if isinstance(answer, ox.QueryBoolean):
        sender.send(("ask", bool(answer)))
        return
    kind, variables, rows = _encoded_rows(answer)
    first = list(itertools.islice(rows, 1))
    sender.send((kind, variables))
    batch: list[tuple[object, ...]] = []
    truncated = False
    for count, row in enumerate(itertools.chain(first, rows)):
        if count == limit:
            truncated = True
            break
        batch.append(row)
        if len(batch) == ROWS_PER_BATCH:
            sender.send(("rows", batch))
            batch = []
    if batch:
        sender.send(("rows", batch))
    sender.send(("end", truncated))


# ------------------------------------------------------------------ the answer, parent side
def _decode(value: Any) -> Term:
    if type(value) is str:
        return IRI(value)
    if len(value) == 1:
        return BlankNode(value[0])
    return Literal._make(value)


def _failure(kind: str, payload: Any, child: Child, line_offset: int) -> ScoGraphError:
    """The error a child reported instead of (the rest of) an answer."""
    from sco_graph.sparql import QueryRefusedError, syntax_message

    if kind == "syntax":
        return UsageError(syntax_message(str(payload), line_offset))
    if kind == "memory":
        return QueryMemoryError(memory_message(child.memory_mib))
    if kind == "refused":
        return QueryRefusedError(one_line(str(payload)))
    return UsageError(f"the query failed: {one_line(str(payload))}")


def _message(child: Child) -> tuple[str, Any]:
    """The child's next message as (kind, payload); anything else is a malformed answer."""
    message = child.receive()
    if not (isinstance(message, tuple) and len(message) == 2 and isinstance(message[0], str)):
        child.close()
        raise QueryTimeoutError("the query process sent a malformed answer and was stopped")
    return message


class RowStream:
    """The rows of one answer as the child sends them: iterate once; ``truncated`` is known at the end."""

    def __init__(self, child: Child, variables: tuple[str, ...], line_offset: int) -> None:
        self._child = child
        self._variables = variables
        self._line_offset = line_offset
        self._started = False
        self.truncated = False

    def __iter__(self) -> Iterator[dict[str, Term]]:
        if self._started:
            raise RuntimeError("the rows of a streamed SPARQL result can be read only once")
        self._started = True
        return self._rows()

    def _rows(self) -> Iterator[dict[str, Term]]:
        names = self._variables
        try:
            while True:
                kind, payload = _message(self._child)
                if kind == "end":
                    self.truncated = bool(payload)
                    return
                if kind != "rows":
                    raise _failure(kind, payload, self._child, self._line_offset)
                try:
                    rows = [{name: _decode(value) for name, value in zip(names, row, strict=True) if value is not None}
                            for row in payload]  # fmt: skip
                except (TypeError, ValueError, IndexError):
                    raise QueryTimeoutError("the query process sent a malformed answer and was stopped") from None
                yield from rows
        finally:
            self._child.close()

    def close(self) -> None:
        """Stop the query when its rows are no longer wanted."""
        self._child.close()

    def __del__(self) -> None:
        with contextlib.suppress(Exception):  # a finaliser never prints; the child dies with sco-graph anyway
            self._child.close()


def run_query(work: Work, limit: int, timeout: float, memory_mib: int, line_offset: int = 0) -> SparqlResult:
    """Run ``work`` (which calls :func:`send_answer`) in a sandboxed child; rows stream in as they are read."""
    child = Child(work, timeout, memory_mib)
    try:
        kind, payload = _message(child)
        if kind in ("select", "graph"):
            variables = tuple(str(name) for name in payload)
            return SparqlResult(kind, variables, RowStream(child, variables, line_offset), None, False, limit)
    except BaseException:
        child.close()
        raise
    child.close()
    if kind == "ask":
        return SparqlResult("ask", (), (), bool(payload), limit=limit)
    raise _failure(kind, payload, child, line_offset)


def oxigraph_syntax_error(query: str, timeout: float = 10.0) -> str | None:
    """Oxigraph's own syntax error for ``query``, asked in a sandboxed child; None when it parses or cannot be asked."""

    def parse(sender: Sender, sandboxed: bool) -> None:
        import pyoxigraph as ox

        if not sandboxed:  # an ASK is evaluated at once, and might reach out
            sender.send(("unknown", None))
            return
        try:
            ox.Store().query(query)
        except SyntaxError as error:
            sender.send(("syntax", str(error)))
            return
        except Exception:  # noqa: BLE001, S110 - it parsed; what evaluation over no data does is irrelevant
            pass
        sender.send(("parsed", None))

    child = Child(parse, timeout, 256)
    try:
        kind, payload = _message(child)
    except QueryTimeoutError:
        return None
    finally:
        child.close()
    return str(payload) if kind == "syntax" else None
