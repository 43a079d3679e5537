"""A remote SPARQL 1.1 endpoint as a :class:`~sco_graph.store.Store`.

Queries go over HTTP POST (``application/x-www-form-urlencoded``), with user
input bound as terms by the same VALUES mechanism as the local store. Refused
connections, timeouts, HTTP errors and answers that are not SPARQL results all
become one-line errors; nothing half-read is ever shown.
"""

from __future__ import annotations

import json
import socket
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from typing import Any

from sco_graph import __version__
from sco_graph.errors import ExitCode, ScoGraphError, UsageError
from sco_graph.model import SPARQL_PREFIXES, XSD
from sco_graph.results import SparqlResult
from sco_graph.sparql import syntax_message
from sco_graph.store import QueryTimeoutError, bind
from sco_graph.terms import IRI, BlankNode, Literal, Row, Term

ENDPOINT_ENV = "SCO_GRAPH_ENDPOINT"
RESULTS_JSON = "application/sparql-results+json"


class RemoteError(ScoGraphError):
    """The endpoint could not be reached or did not answer with SPARQL results."""

    code = ExitCode.REMOTE_ERROR


def check_url(url: str) -> str:
    parsed = urllib.parse.urlparse(url)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise UsageError(f"--endpoint must be an http:// or https:// URL ({url!r} given)")
    return url


def _term(value: Mapping[str, Any]) -> Term:
    kind = value.get("type")
    text = str(value.get("value", ""))
    if kind == "uri":
        return IRI(text)
    if kind == "bnode":
        return BlankNode(text)
    if kind in ("literal", "typed-literal"):
        language = value.get("xml:lang")
        if language:
            return Literal(text, XSD + "string", str(language))
        return Literal(text, str(value.get("datatype") or XSD + "string"))
    raise RemoteError(f"the endpoint answered a term of unknown type {kind!r}")


class RemoteStore:
    """A SPARQL endpoint reached over HTTP."""

    def __init__(self, url: str, timeout: float = 30.0) -> None:
        self.url = check_url(url)
        self.timeout = timeout
        self.description = f"endpoint {url}"

    def _post(self, query: str, timeout: float, accept: str = RESULTS_JSON) -> bytes:
        body = urllib.parse.urlencode({"query": query}).encode("utf-8")
        request = urllib.request.Request(  # noqa: S310 - the scheme is checked to be http(s)
            self.url,
            data=body,
            headers={
                "Accept": accept,
                "Content-Type": "application/x-www-form-urlencoded",
                "User-Agent": f"sco-graph/{__version__}",
            },
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
                return bytes(response.read())
        except urllib.error.HTTPError as error:
            detail = " ".join(error.read(300).decode("utf-8", "replace").split())
            if error.code == 400 and "error" in detail.lower() and "at" in detail:
                raise UsageError(syntax_message(detail, SPARQL_PREFIXES.count("\n"))) from None
            raise RemoteError(f"{self.url} answered HTTP {error.code} {error.reason}: {detail[:200]}") from None
        except TimeoutError:
            raise QueryTimeoutError(f"{self.url} did not answer within {timeout:g} s") from None
        except urllib.error.URLError as error:
            if isinstance(error.reason, TimeoutError | socket.timeout):
                raise QueryTimeoutError(f"{self.url} did not answer within {timeout:g} s") from None
            raise RemoteError(f"cannot reach {self.url}: {error.reason}") from None
        except OSError as error:
            raise RemoteError(f"cannot reach {self.url}: {error}") from None

    def _results(self, raw: bytes) -> dict[str, Any]:
        try:
            data = json.loads(raw)
        except ValueError:
            raise RemoteError(f"{self.url} did not answer with SPARQL JSON results") from None
        if not isinstance(data, dict) or ("results" not in data and "boolean" not in data):
            raise RemoteError(f"{self.url} did not answer with SPARQL JSON results")
        return data

    def select(self, query: str, bindings: Mapping[str, Term] | None = None) -> list[Row]:
        data = self._results(self._post(SPARQL_PREFIXES + bind(query, bindings), self.timeout))
        try:
            return [{name: _term(value) for name, value in row.items()} for row in data["results"]["bindings"]]
        except (KeyError, TypeError, AttributeError):
            raise RemoteError(f"{self.url} answered malformed SPARQL JSON results") from None

    def run(self, query: str, limit: int, timeout: float) -> SparqlResult:
        raw = self._post(SPARQL_PREFIXES + query, timeout, f"{RESULTS_JSON}, application/n-triples;q=0.9")
        if raw.lstrip().startswith(b"{"):
            data = self._results(raw)
            if "boolean" in data:
                return SparqlResult("ask", (), (), bool(data["boolean"]), limit=limit)
            variables = tuple(str(name) for name in data.get("head", {}).get("vars", []))
            bindings = data["results"]["bindings"]
            rows = tuple({name: _term(value) for name, value in row.items()} for row in bindings[:limit])
            return SparqlResult("select", variables, rows, None, len(bindings) > limit, limit)
        return _triples_result(raw, limit, self.url)


def _triples_result(raw: bytes, limit: int, url: str) -> SparqlResult:
    import pyoxigraph as ox

    from sco_graph.store import from_oxigraph

    try:
        triples = list(ox.parse(raw, format=ox.RdfFormat.N_TRIPLES))
    except SyntaxError:
        raise RemoteError(f"{url} answered neither SPARQL JSON results nor N-Triples") from None
    rows = tuple(
        {
            "subject": from_oxigraph(t.subject),
            "predicate": from_oxigraph(t.predicate),
            "object": from_oxigraph(t.object),
        }
        for t in triples[:limit]
    )
    return SparqlResult("graph", ("subject", "predicate", "object"), rows, None, len(triples) > limit, limit)
