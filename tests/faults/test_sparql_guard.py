"""The read-only guard cannot be talked round, and the query sandbox keeps even a bypass off the network.

Every query here hides SERVICE, FROM, FROM NAMED or an update form the way a
token scanner gets wrong: comments ended by ``\\r``, ``\\n`` or ``\\r\\n``,
changed case, ``<`` used as less-than, ``\\u`` escapes (SPARQL applies them
before parsing), odd whitespace, prefixed names. A listener on 127.0.0.1,
started here, proves that no query ever connects to it.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sco_graph.errors import ExitCode, ScoGraphError
from sco_graph.graph import Graph
from sco_graph.sandbox import Child, QueryTimeoutError
from sco_graph.sparql import QueryRefusedError, check_read_only
from tests.conftest import Invoke


class Listener:
    """A TCP listener on 127.0.0.1 that counts the connections it accepts."""

    def __init__(self) -> None:
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = int(self.server.getsockname()[1])
        self.connections = 0
        self.url = f"http://127.0.0.1:{self.port}/sparql"
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                connection, _ = self.server.accept()
            except OSError:
                return
            self.connections += 1
            connection.close()

    def settled(self) -> int:
        """The count once any connection already under way has been accepted."""
        import time

        time.sleep(0.02)
        return self.connections


@pytest.fixture(scope="module")
def listener() -> Iterator[Listener]:
    server = Listener()
    yield server
    server.server.close()


# ------------------------------------------------------------------ disguises
GAPS = [" ", "\t", "\n", "\r", "\r\n", "# c\r", "# c\n", "# c\r\n", "# a < b >\r", "#SERVICE <x>\r", "  #\r\t"]


def gaps() -> st.SearchStrategy[str]:
    return st.lists(st.sampled_from(GAPS), min_size=1, max_size=3).map("".join)


def spelled(word: str) -> st.SearchStrategy[str]:
    """``word`` in mixed case, sometimes with one letter written as a \\u or \\U escape."""

    def build(cases: list[bool], escaped: int, long: bool) -> str:
        letters = [letter.lower() if lower else letter for letter, lower in zip(word, cases, strict=True)]
        if 0 <= escaped < len(word):
            code = ord(letters[escaped])
            letters[escaped] = f"\\U{code:08X}" if long else f"\\u{code:04x}"
        return "".join(letters)

    size = len(word)
    return st.builds(
        build, st.lists(st.booleans(), min_size=size, max_size=size), st.integers(-size, size - 1), st.booleans()
    )


TEMPLATES = [
    "SELECT{g}*{g}WHERE{g}{{{g}?s ?p ?o{g}{SERVICE}{g}<{url}>{g}{{ ?a ?b ?c }}{g}}}",
    "SELECT * WHERE {{ ?s ?p ?o FILTER(?o<?s){g}{SERVICE}{g}<{url}>{{ ?a ?b ?c }} }}",
    "SELECT * WHERE {{ ?s ?p ?o FILTER(?s>?o&&?o<?s){g}{SERVICE}<{url}>{{?a ?b ?c}}}}",
    "PREFIX x: <{url}>{g}SELECT * WHERE {{{g}{SERVICE}{g}x:q{g}{{ ?a ?b ?c }} }}",
    "SELECT * WHERE {{ OPTIONAL {{ {SERVICE}{g}SILENT{g}<{url}> {{ ?a ?b ?c }} }} }}",
    "SELECT * WHERE {{ {{ SELECT ?a WHERE {{ {SERVICE} <{url}> {{ ?a ?b ?c }} }} }} }}",
    "ASK{g}{{{g}{SERVICE}{g}<{url}>{g}{{}}{g}}}",
    "SELECT{g}*{g}{FROM}{g}<{url}>{g}WHERE{g}{{ ?s ?p ?o }}",
    "SELECT * # <\r{FROM}{g}{NAMED}{g}<{url}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
    "PREFIX x: <{url}>{g}CONSTRUCT{g}{{ ?s ?p ?o }}{g}{FROM}{g}x:data{g}WHERE {{ ?s ?p ?o }}",
    "DESCRIBE <urn:x>{g}{FROM}{g}<{url}>",
    "{INSERT}{g}{DATA}{g}{{ <urn:a> <urn:b> <urn:c> }}",
    "# SELECT\r{DELETE}{g}{WHERE}{g}{{ ?s ?p ?o }}",
    "{LOAD}{g}<{url}>",
    "{DROP}{g}ALL",
    "{WITH}{g}<urn:g>{g}{DELETE}{g}{{ ?s ?p ?o }}{g}{WHERE}{g}{{ ?s ?p ?o }}",
]
KEYWORDS = ["SERVICE", "FROM", "NAMED", "INSERT", "DATA", "DELETE", "WHERE", "LOAD", "DROP", "WITH"]


@st.composite
def disguised(draw: Callable[[Any], Any], url: str) -> str:
    template = draw(st.sampled_from(TEMPLATES))
    words = {word: draw(spelled(word)) for word in KEYWORDS}
    pieces = template.split("{g}")
    text = pieces[0] + "".join(draw(gaps()) + piece for piece in pieces[1:])
    return text.format(url=url, **words)


FAST = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@FAST
@given(data=st.data())
def test_no_disguise_gets_a_query_that_reaches_out_or_writes_past_the_guard(listener: Listener, data: Any) -> None:
    query = data.draw(disguised(listener.url))
    with pytest.raises(QueryRefusedError, match=r"^refused: (SERVICE|FROM|[A-Z ]+ is a SPARQL Update form)"):
        check_read_only(query)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_whatever_the_guard_lets_through_never_connects(listener: Listener, graph: Graph, data: Any) -> None:
    query = data.draw(disguised(listener.url))
    before = listener.connections
    try:
        text = check_read_only(query)
    except ScoGraphError as error:
        codes = {error.code}
    else:  # pragma: no cover - only if the guard regresses; the sandbox must still hold
        codes = {ExitCode.QUERY_REFUSED}
        with contextlib.suppress(ScoGraphError):
            list(graph.store.run(text, 10, 5).rows)
    assert codes <= {ExitCode.QUERY_REFUSED, ExitCode.USAGE}
    assert listener.settled() == before


def test_the_listener_does_see_what_an_unguarded_engine_sends(listener: Listener) -> None:
    """The control: the disguised SERVICE really is a SERVICE call to an engine that reads \\r as SPARQL does."""
    import pyoxigraph as ox

    before = listener.connections
    query = f"SELECT * WHERE {{ # hidden\rSERVICE <{listener.url}> {{ ?s ?p ?o }} }}"
    with pytest.raises(OSError):  # noqa: PT011 - the listener hangs up; the point is that it was called
        list(ox.Store().query(query))
    assert listener.settled() == before + 1


def test_the_sandboxed_engine_cannot_connect_even_when_the_guard_is_skipped(listener: Listener, graph: Graph) -> None:
    before = listener.connections
    for query in (
        f"SELECT * WHERE {{ SERVICE <{listener.url}> {{ ?s ?p ?o }} }}",
        f"ASK {{ SERVICE <{listener.url}> {{ ?s ?p ?o }} }}",
    ):
        with pytest.raises(QueryRefusedError, match="the query tried to reach the network"):
            list(graph.store.run(query, 10, 5).rows)  # the lower-level runner: no check_read_only
    silent = f"SELECT * WHERE {{ ?x ?y ?z SERVICE SILENT <{listener.url}> {{ ?s ?p ?o }} }} LIMIT 1"
    assert len(list(graph.store.run(silent, 10, 5).rows)) == 1  # SILENT: the failed call counts as one empty row
    assert listener.settled() == before


def _connect(port: int) -> Callable[[Any, bool], None]:
    def work(sender: Any, sandboxed: bool) -> None:
        outcome = "connected"
        try:
            socket.create_connection(("127.0.0.1", port), timeout=2).close()
        except PermissionError:
            outcome = "denied"
        unix = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)  # local sockets keep working
        unix.close()
        sender.send((sandboxed, outcome))

    return work


def test_the_child_process_cannot_open_a_tcp_socket(listener: Listener) -> None:
    before = listener.connections
    child = Child(_connect(listener.port), timeout=10)
    try:
        sandboxed, outcome = child.receive()
    finally:
        child.close()
    assert (sandboxed, outcome) == (True, "denied")
    assert listener.settled() == before


def test_the_filter_binds_the_child_only() -> None:
    """The parent (here, pytest) keeps its network once a sandboxed child has come and gone."""
    child = Child(lambda sender, sandboxed: sender.send(sandboxed), timeout=10)
    try:
        assert child.receive() is True
    finally:
        child.close()
    with socket.create_server(("127.0.0.1", 0)) as server:
        socket.create_connection(server.getsockname()[:2], timeout=2).close()


def test_a_smuggled_service_through_the_cli_is_refused_with_one_line(cli: Invoke, listener: Listener) -> None:
    before = listener.connections
    result = cli("sparql", f"SELECT * WHERE {{ # x\rSERVICE <{listener.url}> {{ ?s ?p ?o }} }}")
    assert result.exit_code == ExitCode.QUERY_REFUSED
    refusal = "refused: SERVICE calls another endpoint; queries run over the loaded data only"
    assert result.stderr == f"sco-graph: error: {refusal}\n"
    assert result.stdout == ""
    assert listener.settled() == before


def test_a_taken_over_child_cannot_run_code_in_the_parent() -> None:
    """The parent reads only plain values from the child: a pickled object (here a harmless one) is refused."""

    def rogue(sender: Any, sandboxed: bool) -> None:
        del sandboxed
        sender.send(socket.socket)  # a pickle that names a class: what an exploit would have to send

    child = Child(rogue, timeout=10)
    try:
        with pytest.raises(QueryTimeoutError, match="malformed answer"):
            child.receive()
    finally:
        child.close()
