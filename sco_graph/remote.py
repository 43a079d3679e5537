"""A remote SPARQL 1.1 endpoint as a :class:`~sco_graph.store.Store`.

Queries go over HTTP POST (``application/x-www-form-urlencoded``, see
:mod:`sco_graph.http`), with user input bound as terms by the same VALUES
mechanism as the local store. An answer is used only when it is wholly valid:
its declared Content-Type, then the W3C SPARQL 1.1 Query Results JSON format
(checked strictly by :func:`parse_results`) or N-Triples for CONSTRUCT and
DESCRIBE. Anything else is a one-line :class:`RemoteError`; nothing half-read
is ever shown.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any, NoReturn

from sco_graph.errors import UsageError
from sco_graph.escape import visible
from sco_graph.http import (
    Answer,
    Client,
    HTTPStatusError,
    RemoteError,
    Traffic,
    max_bytes_from_environment,
    parse_endpoint,
    quote,
    shown,
)
from sco_graph.model import SPARQL_PREFIXES, XSD
from sco_graph.results import SparqlResult
from sco_graph.sparql import syntax_message
from sco_graph.store import DEFAULT_MEMORY_MIB, bind
from sco_graph.terms import IRI, BlankNode, Literal, Row, Term

__all__ = [
    "ENDPOINT_ENV",
    "GRAPH_ENV",
    "RemoteError",
    "RemoteStore",
    "UnboundRow",
    "check_graph",
    "check_url",
    "parse_results",
]

ENDPOINT_ENV = "SCO_GRAPH_ENDPOINT"
GRAPH_ENV = "SCO_GRAPH_GRAPH"
RESULTS_JSON = "application/sparql-results+json"
JSON_TYPES = (RESULTS_JSON, "application/json")
TRIPLES_TYPES = ("application/n-triples", "text/plain")
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"

# SPARQL 1.1 grammar: VARNAME, and an RDF language tag (LANGTAG without the "@").
_BASE = (
    "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c-\u200d\u2070-\u218f"
    "\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff"
)
_VARNAME = re.compile(f"[{_BASE}_0-9][{_BASE}_0-9\u00b7\u0300-\u036f\u203f-\u2040]*")
_LANGUAGE = re.compile(r"[a-zA-Z]+(?:-[a-zA-Z0-9]+)*")
# An absolute IRI: a scheme, then no spaces, controls, IRI delimiters, bidi controls or lone surrogates.
_IRI = re.compile(
    r"[A-Za-z][A-Za-z0-9+.\-]*:[^\x00-\x20<>\"{}|^`\\\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]*"
)
_BNODE = re.compile(r"[^\s\x00-\x1f\x7f-\x9f<>\"{}|^`\\\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]+")
_SURROGATE = re.compile("[\ud800-\udfff]")


class UnboundRow(dict[str, Term]):
    """A row from an endpoint. Reading a variable it left unbound is a :class:`RemoteError`, not a bug.

    SPARQL JSON results may omit any variable in any row (OPTIONAL), so the format alone cannot
    reject it; but code reads ``row["x"]`` only where its query always binds ``?x``, so the
    endpoint answered something other than the query's answer.
    """

    __slots__ = ()

    def __missing__(self, name: str) -> Term:
        raise RemoteError(f"the endpoint's answer leaves ?{quote(name, 60)} unbound, though the query always binds it")


class MalformedResultsError(ValueError):
    """Why a document is not valid SPARQL 1.1 JSON results (the message quotes data escaped)."""


def check_url(url: str) -> str:
    """Return ``url`` when it is a usable endpoint URL; :class:`UsageError` otherwise (no network access)."""
    return parse_endpoint(url).url


def check_graph(iri: str) -> str:
    """Return ``iri`` when it can name a graph (an absolute IRI); :class:`UsageError` otherwise."""
    if len(iri) > 4096 or not _IRI.fullmatch(iri):
        raise UsageError(f"--graph must be an absolute IRI such as https://example.org/data ({quote(repr(iri), 80)})")
    return iri


# ------------------------------------------------------------------ the SPARQL 1.1 JSON results format
def _fail(reason: str) -> NoReturn:
    raise MalformedResultsError(reason)


def _kind(value: object) -> str:
    names = {dict: "an object", list: "a list", str: "a string", bool: "a boolean", type(None): "null"}
    return names.get(type(value), "a number")


def _object(value: object, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        _fail(f"{where} is {_kind(value)}, not an object")
    return value


def _string(value: object, where: str) -> str:
    if not isinstance(value, str):
        _fail(f"{where} is {_kind(value)}, not a string")
    return value


def _iri(value: object, where: str) -> str:
    text = _string(value, where)
    if not _IRI.fullmatch(text):
        _fail(f"{where} {quote(repr(text), 80)} is not an absolute IRI")
    return text


def _variables(value: object) -> tuple[str, ...]:
    if not isinstance(value, list):
        _fail(f"head.vars is {_kind(value)}, not a list of variable names")
    for name in value:
        if not isinstance(name, str) or not _VARNAME.fullmatch(name):
            _fail(f"head.vars holds {quote(repr(name), 60)}, which is not a variable name")
    if len(set(value)) != len(value):
        _fail("head.vars names a variable twice")
    return tuple(value)


def _literal(term: dict[str, Any], text: str, where: str) -> Literal:
    if _SURROGATE.search(text):
        _fail(f"{where} holds a lone UTF-16 surrogate, which is not text")
    datatype = term.get("datatype")
    if "xml:lang" in term:
        language = _string(term["xml:lang"], f"{where}'s xml:lang")
        if not _LANGUAGE.fullmatch(language):
            _fail(f"{where}'s language tag {quote(repr(language), 40)} is not a language tag")
        if datatype is not None and datatype != RDF_LANG_STRING:
            _fail(f"{where} has both a language tag and the datatype {quote(repr(datatype), 80)}")
        return Literal(text, XSD + "string", language)
    if datatype is None:
        if term["type"] == "typed-literal":
            _fail(f"{where} is a typed-literal without a datatype")
        return Literal(text)
    datatype = _iri(datatype, f"{where}'s datatype")
    if datatype == RDF_LANG_STRING:
        _fail(f"{where} is an rdf:langString without a language tag")
    return Literal(text, datatype)


def _term(value: object, where: str) -> Term:
    term = _object(value, where)
    kind = term.get("type")
    text = _string(term.get("value"), f"{where}'s value")
    if kind == "uri":
        return IRI(_iri(text, where))
    if kind == "bnode":
        if not _BNODE.fullmatch(text):
            _fail(f"{where} is a blank node with the invalid label {quote(repr(text), 60)}")
        return BlankNode(text)
    if kind in ("literal", "typed-literal"):
        return _literal(term, text, where)
    return _fail(f"{where} has the unknown term type {quote(repr(kind), 40)}")


def _row(value: object, number: int, declared: frozenset[str]) -> Row:
    binding = _object(value, f"row {number}")
    row = UnboundRow()
    for name, term in binding.items():
        if name not in declared:
            _fail(f"row {number} binds {quote(repr(name), 60)}, which head.vars does not declare")
        row[name] = _term(term, f"row {number} ?{name}")
    return row


def parse_results(document: object) -> bool | tuple[tuple[str, ...], list[Row]]:
    """Check a decoded W3C SPARQL 1.1 JSON results document strictly and return its answer.

    An ASK answer is its boolean (a real JSON ``true``/``false``); a SELECT answer is its variables and
    rows of terms. Anything else raises :class:`MalformedResultsError`.
    """
    top = _object(document, "the answer")
    if "head" not in top:
        _fail("it has no head")
    head = _object(top["head"], "head")
    links = head.get("link", [])
    if not isinstance(links, list) or not all(isinstance(link, str) for link in links):
        _fail("head.link is not a list of strings")
    if "boolean" in top:
        if "results" in top:
            _fail("it has both a boolean and results")
        answer = top["boolean"]
        if not isinstance(answer, bool):
            _fail(f"boolean is {_kind(answer)}, not true or false")
        return answer
    if "vars" not in head:
        _fail("it has neither head.vars nor a boolean")
    variables = _variables(head["vars"])
    if "results" not in top:
        _fail("it has no results")
    bindings = _object(top["results"], "results").get("bindings")
    if not isinstance(bindings, list):
        _fail(f"results.bindings is {_kind(bindings)}, not a list")
    declared = frozenset(variables)
    return variables, [_row(binding, number, declared) for number, binding in enumerate(bindings, 1)]


def _refuse_constant(name: str) -> NoReturn:
    raise MalformedResultsError(f"it holds {name}, which is not JSON")


def _decode_json(raw: bytes) -> object:
    try:
        text = raw.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError:
        _fail("it is not UTF-8")
    if not text.strip():
        _fail("it is empty")
    try:
        return json.loads(text, parse_constant=_refuse_constant)
    except RecursionError:
        _fail("it is nested too deeply")
    except MalformedResultsError:
        raise
    except ValueError as error:  # json.JSONDecodeError, or an integer too long to convert
        _fail(f"it is not JSON ({quote(str(error), 80)})")


# ------------------------------------------------------------------ the store
class RemoteStore:
    """A SPARQL endpoint reached over HTTP; answers are bounded by ``timeout`` s and ``max_bytes``.

    ``graph`` names the graph that holds the data: it is sent with every query
    as the protocol's ``default-graph-uri``, so stores that keep several graphs
    (Virtuoso's default graph is the union of all of them) answer over it alone.
    Requests share one kept-alive connection; :attr:`traffic` counts them.
    """

    remote = True

    def __init__(self, url: str, timeout: float = 30.0, max_bytes: int | None = None, graph: str | None = None) -> None:
        self.endpoint = parse_endpoint(url)
        self.url = url
        self.timeout = timeout
        self.graph = None if graph is None else check_graph(graph)
        self.max_bytes = max_bytes_from_environment() if max_bytes is None else max_bytes
        if self.max_bytes < 1:
            raise ValueError("max_bytes must be at least 1")
        self.description = f"endpoint {shown(url)}"
        self._client = Client(self.endpoint, self.max_bytes)

    @property
    def traffic(self) -> Traffic:
        """Requests made and body bytes received so far."""
        return self._client.traffic

    def close(self) -> None:
        self._client.close()

    def _post(self, query: str, timeout: float, accept: str) -> Answer:
        fields = {"query": query}
        if self.graph is not None:
            fields["default-graph-uri"] = self.graph
        try:
            return self._client.post(fields, accept, timeout)
        except HTTPStatusError as error:
            detail = " ".join(error.detail.split())[:300]
            if error.status == 400 and "error" in detail.lower() and "at" in detail:
                raise UsageError(visible(syntax_message(detail, SPARQL_PREFIXES.count("\n")))) from None
            raise

    def _malformed(self, reason: str) -> RemoteError:
        return RemoteError(f"{shown(self.url)} answered malformed SPARQL JSON results: {reason}")

    def _results(self, answer: Answer) -> bool | tuple[tuple[str, ...], list[Row]]:
        try:
            return parse_results(_decode_json(answer.body))
        except MalformedResultsError as error:
            raise self._malformed(str(error)) from None

    def _is_json(self, answer: Answer, triples_allowed: bool) -> bool:
        """Whether the answer is JSON results (else N-Triples), from its declared Content-Type."""
        if answer.media_type in JSON_TYPES:
            return True
        if triples_allowed and answer.media_type in TRIPLES_TYPES:
            return False
        if not answer.media_type:  # undeclared: read it as what it looks like; either way it is checked
            return not triples_allowed or answer.body.lstrip()[:1] in (b"{", b"")
        wanted = "SPARQL JSON results or N-Triples" if triples_allowed else "SPARQL JSON results"
        raise RemoteError(f"{shown(self.url)} did not answer with {wanted} (it sent {quote(answer.media_type, 60)})")

    def select(self, query: str, bindings: Mapping[str, Term] | None = None) -> list[Row]:
        answer = self._post(SPARQL_PREFIXES + bind(query, bindings), self.timeout, RESULTS_JSON)
        self._is_json(answer, triples_allowed=False)
        parsed = self._results(answer)
        if isinstance(parsed, bool):
            raise self._malformed("a yes/no (ASK) answer to a SELECT query")
        return parsed[1]

    def run(self, query: str, limit: int, timeout: float, *, memory_mib: int = DEFAULT_MEMORY_MIB) -> SparqlResult:
        del memory_mib  # the endpoint bounds its own memory
        answer = self._post(SPARQL_PREFIXES + query, timeout, f"{RESULTS_JSON}, application/n-triples;q=0.9")
        if not self._is_json(answer, triples_allowed=True):
            return _triples_result(answer.body, limit, shown(self.url))
        parsed = self._results(answer)
        if isinstance(parsed, bool):
            return SparqlResult("ask", (), (), parsed, limit=limit)
        variables, rows = parsed
        return SparqlResult("select", variables, tuple(rows[:limit]), None, len(rows) > limit, limit)


def _triples_result(raw: bytes, limit: int, url: str) -> SparqlResult:
    """Parse a whole N-Triples answer strictly, keeping the first ``limit`` triples."""
    import pyoxigraph as ox

    from sco_graph.store import from_oxigraph

    rows: list[dict[str, Term]] = []
    count = 0
    try:
        for triple in ox.parse(raw, format=ox.RdfFormat.N_TRIPLES):
            count += 1
            if count <= limit:
                rows.append(
                    {
                        "subject": from_oxigraph(triple.subject),
                        "predicate": from_oxigraph(triple.predicate),
                        "object": from_oxigraph(triple.object),
                    }
                )
    except (SyntaxError, ValueError, TypeError) as error:
        raise RemoteError(f"{url} answered malformed N-Triples: {quote(str(error), 160)}") from None
    return SparqlResult("graph", ("subject", "predicate", "object"), tuple(rows), None, count > limit, limit)
