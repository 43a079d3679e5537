"""A misbehaving SPARQL endpoint gives one clean error line, on time and within a size cap.

A fake endpoint on 127.0.0.1 (see :mod:`tests.faults.fake_endpoint`) serves malformed results,
broken HTTP, a trickle, oversized bodies and redirects; malformed ``--endpoint`` URLs are
refused before any connection is tried.
"""

from __future__ import annotations

import contextlib
import json
import socket
import time
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sco_graph.errors import ExitCode, UsageError
from sco_graph.http import MAX_BYTES_ENV, parse_endpoint
from sco_graph.remote import MalformedResultsError, RemoteError, RemoteStore, parse_results
from sco_graph.results import term_json
from sco_graph.store import QueryTimeoutError
from sco_graph.terms import IRI, BlankNode, Literal
from tests.conftest import Invoke

from .fake_endpoint import FakeEndpoint, Respond, answer, raw, trickle

SELECT = ["sparql", "SELECT * WHERE { ?s ?p ?o }"]
COMMANDS = [SELECT, ["stats"]]
XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
UNSAFE = ["\x1b", "\x07", "\x00", "\x9b", "\u202e", "\r"]


def rows(*bindings: Any, variables: Any = None) -> str:
    head = {"vars": ["x"] if variables is None else variables}
    return json.dumps({"head": head, "results": {"bindings": list(bindings)}})


def term(value: Any, kind: str = "uri", **extra: Any) -> str:
    return rows({"x": {"type": kind, "value": value, **extra}})


def assert_one_clean_error(result: Any, code: int) -> str:
    """The documented exit code, one escaped stderr line and nothing on stdout; returns the line."""
    assert result.exit_code == code, (result.exit_code, result.stdout, result.stderr)
    assert result.stdout == ""
    line: str = result.stderr
    assert line.startswith("sco-graph: error: ") and line.endswith("\n")
    assert line.count("\n") == 1 and "Traceback" not in line
    assert not any(char in line for char in UNSAFE), repr(line)
    return line


@pytest.fixture(autouse=True)
def default_cap(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(MAX_BYTES_ENV, raising=False)


MALFORMED: dict[str, Respond] = {
    # the document as a whole
    "empty body": answer(b""),
    "only whitespace": answer(b" \n "),
    "no head": answer('{"results": {"bindings": []}}'),
    "empty object": answer("{}"),
    "a list": answer("[]"),
    "a string": answer('"results"'),
    "null": answer("null"),
    "truncated JSON": answer('{"head": {"vars": ["x"]}, "results": {"bindi'),
    "trailing garbage": answer(rows() + " {"),
    "NaN": answer('{"head": {"vars": ["x"]}, "results": {"bindings": [{"x": NaN}]}}'),
    "deeply nested": answer(
        '{"head": {"vars": ["x"]}, "results": {"bindings": [' + "[" * 100_000 + "]" * 100_000 + "]}}"
    ),
    "not UTF-8": answer(b'{"head": {"vars": ["x"]}, "results": {"bindings": []}, "x": "\xff\xfe"}'),
    "both boolean and results": answer('{"head": {}, "boolean": true, "results": {"bindings": []}}'),
    "head is a list": answer('{"head": [], "results": {"bindings": []}}'),
    "head.link not strings": answer('{"head": {"vars": [], "link": [1]}, "results": {"bindings": []}}'),
    # head.vars
    "vars missing": answer('{"head": {}, "results": {"bindings": []}}'),
    "vars a string": answer(rows(variables="x")),
    "vars holds a number": answer(rows(variables=[1])),
    "vars holds null": answer(rows(variables=[None])),
    "vars holds a non-name": answer(rows(variables=["a b"])),
    "vars holds an escape": answer(rows(variables=["x\x1b[2J"])),
    "vars twice": answer(rows(variables=["x", "x"])),
    # results and bindings
    "results a string": answer('{"head": {"vars": ["x"]}, "results": "nope"}'),
    "results missing": answer('{"head": {"vars": ["x"]}}'),
    "bindings a dict": answer('{"head": {"vars": ["x"]}, "results": {"bindings": {}}}'),
    "bindings null": answer('{"head": {"vars": ["x"]}, "results": {"bindings": null}}'),
    "bindings missing": answer('{"head": {"vars": ["x"]}, "results": {}}'),
    "row a number": answer(rows(1)),
    "row a list": answer(rows([])),
    "row binds an undeclared variable": answer(rows({"y": {"type": "uri", "value": "http://a/"}})),
    "bad row after good ones": answer(rows(*[{"x": {"type": "uri", "value": "http://a/"}}] * 5, {"x": 1})),
    # terms
    "term a string": answer(rows({"x": "http://a/"})),
    "term null": answer(rows({"x": None})),
    "term of unknown type": answer(term("x", "triple")),
    "term type missing": answer(rows({"x": {"value": "x"}})),
    "term value missing": answer(rows({"x": {"type": "uri"}})),
    "uri with a space": answer(term("http://a/b c")),
    "uri with angle brackets": answer(term("http://a/<b>")),
    "uri with a control character": answer(term("http://a/\x1b[31m")),
    "uri with a bidi override": answer(term("http://a/\u202etxt.exe")),
    "uri empty": answer(term("")),
    "uri relative": answer(term("relative/path")),
    "uri a number": answer(term(42)),
    "uri a lone surrogate": answer(rows()[:-3] + '{"x": {"type": "uri", "value": "http://a/\\ud800"}}]}}'),
    "literal a number": answer(term(3, "literal")),
    "literal a list": answer(term(["a"], "literal")),
    "literal null": answer(term(None, "literal")),
    "literal a lone surrogate": answer(rows()[:-3] + '{"x": {"type": "literal", "value": "a\\udc00"}}]}}'),
    "language tag with a space": answer(term("a", "literal", **{"xml:lang": "en us"})),
    "language tag empty": answer(term("a", "literal", **{"xml:lang": ""})),
    "language tag a number": answer(term("a", "literal", **{"xml:lang": 5})),
    "language tag with an escape": answer(term("a", "literal", **{"xml:lang": "en\x1b[2J"})),
    "language and another datatype": answer(term("a", "literal", datatype=XSD + "integer", **{"xml:lang": "en"})),
    "datatype not an IRI": answer(term("1", "literal", datatype="integer")),
    "datatype a number": answer(term("1", "literal", datatype=1)),
    "langString without a language": answer(term("a", "literal", datatype=RDF_LANG_STRING)),
    "typed-literal without datatype": answer(term("1", "typed-literal")),
    "blank node empty": answer(term("", "bnode")),
    "blank node with a newline": answer(term("b\n1", "bnode")),
    # what the server declared
    "HTML page with status 200": answer("<html><body>Service Unavailable</body></html>", "text/html"),
    "declared XML results": answer("<sparql/>", "application/sparql-results+xml"),
    "declared type with an escape": answer(rows(), "text/\x1b[31mhtml"),
    "gzip that is not gzip": answer(rows(), headers=(("Content-Encoding", "gzip"),)),
    "compressed another way": answer(rows(), headers=(("Content-Encoding", "br"),)),
    # broken HTTP
    "garbage status line": raw(b"HELLO \x1b[2J WORLD\r\n\r\n"),
    "closed without answering": raw(b""),
    "body cut short": answer(rows(), length=10_000),
    "chunked body cut short": raw(
        b'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n10\r\n{"head":'
    ),
    "a header line too long": raw(b"HTTP/1.0 200 OK\r\nX-Long: " + b"a" * 70_000 + b"\r\n\r\n"),
    "too many headers": raw(b"HTTP/1.0 200 OK\r\n" + b"X-A: b\r\n" * 200 + b"\r\n"),
    "HTTP 500 with terminal escapes": answer(
        "boom\x1b]8;;http://evil.example/\x07click\x1b]8;;\x07\n\rsco-graph: error: forged\u202e" + "x" * 5000,
        "text/plain",
        status=500,
    ),
    "HTTP 503 with an escape in the reason": raw(b"HTTP/1.0 503 Busy\x1b[2J\x07\r\nContent-Length: 0\r\n\r\n"),
}

MALFORMED_FOR_SPARQL_ONLY: dict[str, Respond] = {
    "boolean the string false": answer('{"head": {}, "boolean": "false"}'),
    "boolean the number 1": answer('{"head": {}, "boolean": 1}'),
    "boolean null": answer('{"head": {}, "boolean": null}'),
    "boolean without head": answer('{"boolean": true}'),
    "N-Triples with a relative IRI": answer("<a> <http://b/> <http://c/> .\n", "application/n-triples"),
    "N-Triples cut mid-triple": answer("<http://a/> <http://b/> ", "application/n-triples"),
    "N-Triples with a literal subject": answer('"s" <http://b/> <http://c/> .\n', "application/n-triples"),
    "N-Triples with a bad language tag": answer('<http://a/> <http://b/> "c"@en_US .\n', "application/n-triples"),
    "N-Triples not UTF-8": answer(b'<http://a/> <http://b/> "\xff" .\n', "application/n-triples"),
    "N-Triples with an escape in the error": answer("<http://a/> \x1b[2J .\n", "application/n-triples"),
    "an HTML page as text/plain": answer("<html>oops</html>", "text/plain"),
    "empty body with no Content-Type": answer(b"", None),
}


@pytest.mark.parametrize("command", COMMANDS, ids=lambda command: command[0])
@pytest.mark.parametrize("respond", list(MALFORMED.values()), ids=list(MALFORMED))
def test_a_malformed_answer_is_one_clean_remote_error(cli: Invoke, respond: Respond, command: list[str]) -> None:
    with FakeEndpoint(respond) as endpoint:
        result = cli("--endpoint", endpoint.url, *command)
    assert_one_clean_error(result, ExitCode.REMOTE_ERROR)


@pytest.mark.parametrize("respond", list(MALFORMED_FOR_SPARQL_ONLY.values()), ids=list(MALFORMED_FOR_SPARQL_ONLY))
def test_a_malformed_sparql_answer_is_one_clean_remote_error(cli: Invoke, respond: Respond) -> None:
    with FakeEndpoint(respond) as endpoint:
        result = cli("--endpoint", endpoint.url, "sparql", "ASK { ?s ?p ?o }")
    assert_one_clean_error(result, ExitCode.REMOTE_ERROR)


@pytest.mark.parametrize("respond", list(MALFORMED.values()), ids=list(MALFORMED))
def test_remote_errors_are_one_escaped_line_in_the_core_too(respond: Respond) -> None:
    """Not only the CLI boundary: the library's own messages quote the endpoint escaped."""
    with FakeEndpoint(respond) as endpoint, pytest.raises(RemoteError) as caught:
        RemoteStore(endpoint.url).select("SELECT * WHERE { ?s ?p ?o }")
    message = str(caught.value)
    assert not any(char in message for char in [*UNSAFE, "\n", "\t"]), repr(message)
    assert len(message) < 500


def test_an_ask_answer_to_a_select_is_a_remote_error(cli: Invoke) -> None:
    with FakeEndpoint(answer('{"head": {}, "boolean": true}')) as endpoint:
        assert_one_clean_error(cli("--endpoint", endpoint.url, "stats"), ExitCode.REMOTE_ERROR)


@pytest.mark.parametrize("command", [["stats"], ["who-met", "Zhang"], ["timeline"]], ids=lambda command: command[0])
def test_a_row_without_a_variable_the_query_always_binds_is_a_remote_error(cli: Invoke, command: list[str]) -> None:
    """The format allows unbound variables (OPTIONAL); code that needs one gets a RemoteError, not a KeyError."""
    body = rows({}, variables=["entity", "type", "label", "alias", "s", "p", "o", "t", "n"])
    with FakeEndpoint(answer(body)) as endpoint:
        line = assert_one_clean_error(cli("--endpoint", endpoint.url, *command), ExitCode.REMOTE_ERROR)
    assert "unbound" in line


def test_unbound_variables_are_absent_not_errors_for_optional_reads() -> None:
    parsed = parse_results(json.loads(rows({}, variables=["x", "y"])))
    assert not isinstance(parsed, bool)
    row = parsed[1][0]
    assert "x" not in row and row.get("x") is None and row == {}
    with pytest.raises(RemoteError, match=r"leaves \?x unbound"):
        row["x"]


def test_error_pages_are_quoted_escaped_and_short(cli: Invoke) -> None:
    with FakeEndpoint(MALFORMED["HTTP 500 with terminal escapes"]) as endpoint:
        line = assert_one_clean_error(cli("--endpoint", endpoint.url, "stats"), ExitCode.REMOTE_ERROR)
    assert "HTTP 500" in line and "boom\\x1b]8;;http://evil.example/\\x07click" in line
    assert len(line) < 500


def test_a_syntax_error_from_the_endpoint_is_a_usage_error_escaped(cli: Invoke) -> None:
    message = "Parser error at 3:5: unexpected \x1b[2J token\x07"
    with FakeEndpoint(answer(message, "text/plain", status=400)) as endpoint:
        line = assert_one_clean_error(cli("--endpoint", endpoint.url, *SELECT), ExitCode.USAGE)
    assert "line 1, column 5" in line and "\\x1b[2J" in line


# ------------------------------------------------------------------ answers that are valid still work
CHUNKED_HEAD = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Type: application/sparql-results+json\r\n\r\n"
VALID: dict[str, tuple[Respond, str]] = {
    "JSON results": (answer(term("http://a/")), "http://a/"),
    "application/json with a charset": (answer(term("http://a/"), "application/json; charset=utf-8"), "http://a/"),
    "no Content-Type": (answer(term("http://a/"), None), "http://a/"),
    "a byte order mark": (answer("\ufeff" + term("http://a/")), "http://a/"),
    "no rows": (answer(rows()), "0 rows"),
    "an unbound variable": (answer(rows({}, {"x": {"type": "uri", "value": "http://a/"}})), "2 rows"),
    "a language literal": (answer(term("bonjour", "literal", **{"xml:lang": "fr-CA"})), "bonjour"),
    "a langString literal": (
        answer(term("hi", "literal", datatype=RDF_LANG_STRING, **{"xml:lang": "en"})),
        "hi",
    ),
    "a legacy typed-literal": (answer(term("7", "typed-literal", datatype=XSD + "integer")), "7"),
    "a blank node": (answer(term("nodeID://b1234", "bnode")), "_:nodeID://b1234"),
    "extra keys": (answer(json.dumps({"head": {"vars": ["x"], "link": []}, "results": {"bindings": [], "o": 1}})), "0"),
    "ASK true": (answer('{"head": {}, "boolean": true}'), "yes"),
    "ASK false": (answer('{"head": {"link": []}, "boolean": false}'), "no"),
    # A graph answer is written as Turtle, the default for CONSTRUCT and DESCRIBE results.
    "N-Triples": (
        answer("<http://a/> <http://b/> 'x' .\n".replace("'", '"'), "application/n-triples"),
        '<http://a/> <http://b/> "x" .',
    ),
    "an empty N-Triples graph": (answer(b"", "application/n-triples"), ""),  # accepted (exit 0): empty Turtle
    "N-Triples as text/plain": (
        answer("<http://a/> <http://b/> <http://c/> .\n", "text/plain"),
        "<http://a/> <http://b/> <http://c/> .",
    ),
    "chunked JSON": (
        raw(
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Type: application/sparql-results+json\r\n\r\n"
            + b"%x\r\n%s\r\n0\r\n\r\n" % (len(term("http://a/")), term("http://a/").encode())
        ),
        "http://a/",
    ),
}


@pytest.mark.parametrize(("respond", "shown"), list(VALID.values()), ids=list(VALID))
def test_a_valid_answer_is_shown(cli: Invoke, respond: Respond, shown: str) -> None:
    with FakeEndpoint(respond) as endpoint:
        result = cli("--endpoint", endpoint.url, *SELECT)
    assert result.exit_code == 0, result.stderr
    assert shown in result.stdout


# ------------------------------------------------------------------ time
BODY = rows({"x": {"type": "uri", "value": "http://a/"}}).encode()


def trickled_body(handler: Any) -> None:
    answer(b"", length=len(BODY))(handler)
    trickle(BODY, 0.3)(handler)


@pytest.mark.parametrize(
    "respond",
    [trickle(b"HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\n{}", 0.3), trickled_body],
    ids=["status line and headers", "body"],
)
def test_a_trickling_endpoint_is_stopped_at_the_timeout(cli: Invoke, respond: Respond) -> None:
    with FakeEndpoint(respond) as endpoint:
        started = time.monotonic()
        result = cli("--endpoint", endpoint.url, *SELECT, "--timeout", "1")
        elapsed = time.monotonic() - started
    line = assert_one_clean_error(result, ExitCode.TIMEOUT)
    assert "within 1 s" in line
    assert elapsed < 3.0  # the trickle would last 24 s


def test_a_select_against_a_trickle_ends_at_the_store_timeout() -> None:
    with FakeEndpoint(trickled_body) as endpoint:
        started = time.monotonic()
        with pytest.raises(QueryTimeoutError):
            RemoteStore(endpoint.url, timeout=0.5).select("SELECT * WHERE { ?s ?p ?o }")
        assert time.monotonic() - started < 2.0  # the trickle would last 24 s


def test_a_silent_server_is_stopped_at_the_timeout_over_tls_too() -> None:
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        for scheme in ("http", "https"):
            started = time.monotonic()
            with pytest.raises(QueryTimeoutError):
                RemoteStore(f"{scheme}://127.0.0.1:{silent.getsockname()[1]}/", timeout=0.3).select("SELECT * {}")
            assert time.monotonic() - started < 2.0  # a silent server would hold the request for ever


def test_https_to_a_plain_http_server_is_a_clean_tls_error(cli: Invoke) -> None:
    with FakeEndpoint(answer(rows())) as endpoint:
        result = cli("--endpoint", endpoint.url.replace("http://", "https://"), "stats")
    assert "TLS failed" in assert_one_clean_error(result, ExitCode.REMOTE_ERROR)


# ------------------------------------------------------------------ size
def test_a_declared_huge_body_is_refused_before_reading() -> None:
    with FakeEndpoint(answer(b"{", length=1_610_612_736)) as endpoint:
        started = time.monotonic()
        with pytest.raises(RemoteError, match=r"the endpoint's answer is larger than 256 MiB"):
            RemoteStore(endpoint.url).select("SELECT * WHERE { ?s ?p ?o }")
        assert time.monotonic() - started < 1.0


@pytest.mark.parametrize("declared", [True, False], ids=["Content-Length", "close-delimited"])
def test_the_body_cap_counts_bytes_read(declared: bool) -> None:
    body = rows(*[{"x": {"type": "uri", "value": f"http://a/{n}"}} for n in range(50)]).encode()
    with FakeEndpoint(answer(body, length=None if declared else -1)) as endpoint:
        assert len(RemoteStore(endpoint.url, max_bytes=len(body)).select("SELECT * WHERE { ?s ?p ?o }")) == 50
        with pytest.raises(RemoteError, match=f"larger than {len(body) - 1} bytes"):
            RemoteStore(endpoint.url, max_bytes=len(body) - 1).select("SELECT * WHERE { ?s ?p ?o }")


def test_a_chunked_body_over_the_cap_is_refused() -> None:
    chunk = b"x" * 1000
    body = b"".join(b"%x\r\n%s\r\n" % (len(chunk), chunk) for _ in range(10)) + b"0\r\n\r\n"
    respond = raw(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n" + body)
    with FakeEndpoint(respond) as endpoint, pytest.raises(RemoteError, match="larger than 5000 bytes"):
        RemoteStore(endpoint.url, max_bytes=5000).select("SELECT * WHERE { ?s ?p ?o }")


def test_the_cap_comes_from_the_environment_in_mib(cli: Invoke) -> None:
    body = rows(*[{"x": {"type": "literal", "value": "y" * 100}}] * 20)
    with FakeEndpoint(answer(body)) as endpoint:
        small = cli("--endpoint", endpoint.url, *SELECT, env={MAX_BYTES_ENV: "0.001"})
        large = cli("--endpoint", endpoint.url, *SELECT, env={MAX_BYTES_ENV: "1"})
    line = assert_one_clean_error(small, ExitCode.REMOTE_ERROR)
    assert "the endpoint's answer is larger than 1048 bytes" in line and MAX_BYTES_ENV in line
    assert large.exit_code == 0 and "20 rows" in large.stdout


@pytest.mark.parametrize("value", ["0", "-1", "lots", "nan", "1e99"])
def test_a_bad_cap_in_the_environment_is_a_usage_error(cli: Invoke, value: str) -> None:
    with FakeEndpoint(answer(rows())) as endpoint:
        result = cli("--endpoint", endpoint.url, *SELECT, env={MAX_BYTES_ENV: value})
        assert endpoint.requests == 0
    assert MAX_BYTES_ENV in assert_one_clean_error(result, ExitCode.USAGE)


# ------------------------------------------------------------------ only the named endpoint is ever reached
@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
@pytest.mark.parametrize("same_host", [False, True], ids=["elsewhere", "same host"])
def test_a_redirect_is_refused_and_its_target_never_reached(cli: Invoke, status: int, same_host: bool) -> None:
    with FakeEndpoint(answer(rows())) as target:
        location = target.url if not same_host else "/elsewhere"
        with FakeEndpoint(answer(b"", None, status=status, headers=(("Location", location),))) as endpoint:
            result = cli("--endpoint", endpoint.url, *SELECT)
        assert target.requests == 0
    line = assert_one_clean_error(result, ExitCode.REMOTE_ERROR)
    assert f"HTTP {status} redirecting to {location}" in line


def test_a_redirect_location_is_shown_escaped(cli: Invoke) -> None:
    location = "http://evil.example/\x1b]8;;x\x07"
    with FakeEndpoint(answer(b"", None, status=302, headers=(("Location", location),))) as endpoint:
        line = assert_one_clean_error(cli("--endpoint", endpoint.url, "stats"), ExitCode.REMOTE_ERROR)
    assert "http://evil.example/\\x1b]8;;x\\x07" in line


def test_proxies_from_the_environment_are_not_used(cli: Invoke) -> None:
    with FakeEndpoint(answer(rows())) as proxy, FakeEndpoint(answer(term("http://a/"))) as endpoint:
        proxies = dict.fromkeys(("http_proxy", "HTTP_PROXY", "https_proxy", "all_proxy", "ALL_PROXY"), proxy.url)
        result = cli("--endpoint", endpoint.url, *SELECT, env={**proxies, "no_proxy": "", "NO_PROXY": ""})
        assert proxy.requests == 0 and endpoint.requests == 1
    assert result.exit_code == 0 and "http://a/" in result.stdout


def test_the_query_is_posted_to_the_named_path_and_query() -> None:
    with FakeEndpoint(answer(rows())) as endpoint:
        RemoteStore(endpoint.url + "?default-graph-uri=urn%3Ax").select("SELECT * WHERE { ?s ?p ?o }")
        assert endpoint.requests == 1 and endpoint.bodies[0].startswith(b"query=")


# ------------------------------------------------------------------ malformed --endpoint URLs
BAD_URLS = [
    "ftp://example.org/sparql",
    "file:///etc/passwd",
    "example.org/sparql",
    "http://",
    "http:///sparql",
    "http://:8080/sparql",
    "http://h:99999/",
    "http://h:0/",
    "http://h:abc/",
    "http://h:+80/",
    "http://h:80:81/",
    "http://[::1/sparql",
    "http://::1]/sparql",
    "http://[::1]x/sparql",
    "http://[not-ipv6]/sparql",
    "http://[fe80::1%25eth0]/sparql",
    "http://999.1.1.1/sparql",
    "http://-bad-.example/sparql",
    "http://a..b/sparql",
    "http://h/spa rql",
    "http://h/sparql\r\nX-Injected: 1",
    "http://h/\x1b[2J",
    "http://h\x00/sparql",
    "http://bücher.example/sparql",
    "http://h/sparql\u202e",
    "http://h/%zz",
    "http://h/a<b>",
    "http://user:secret@h/sparql",
    "http://h/sparql#results",
    "http://h/sparql#",
    "http://h" + "/a" * 3000,
]


@pytest.fixture
def connections(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    attempts: list[object] = []

    def record(*args: object, **kwargs: object) -> Any:
        attempts.append(args)
        raise OSError("the network is off in this test")

    monkeypatch.setattr(socket, "getaddrinfo", record)
    monkeypatch.setattr(socket, "create_connection", record)
    monkeypatch.setattr(socket.socket, "connect", record)
    return attempts


@pytest.mark.parametrize("url", BAD_URLS)
def test_a_malformed_endpoint_url_is_a_usage_error_without_network(
    cli: Invoke, connections: list[object], url: str
) -> None:
    result = cli("--endpoint", url, "stats")
    line = assert_one_clean_error(result, ExitCode.USAGE)
    assert "--endpoint" in line and "secret" not in line
    assert connections == []


def test_the_endpoint_from_the_environment_is_checked_too(cli: Invoke, connections: list[object]) -> None:
    result = cli("stats", env={"SCO_GRAPH_ENDPOINT": "http://h:99999/\x1b[2J"})
    assert "\\x1b[2J" in assert_one_clean_error(result, ExitCode.USAGE)
    assert connections == []


@pytest.mark.parametrize(
    ("url", "host", "port", "target"),
    [
        ("http://127.0.0.1:7878/query", "127.0.0.1", 7878, "/query"),
        ("https://Example.org", "Example.org", 443, "/"),
        ("HTTP://example.org:/sparql?graph=urn%3Ax&a=b", "example.org", 80, "/sparql?graph=urn%3Ax&a=b"),
        ("http://[::1]:3030/ds/sparql", "::1", 3030, "/ds/sparql"),
        ("http://[2001:db8::7]/", "2001:db8::7", 80, "/"),
        ("http://dbpedia.org./sparql", "dbpedia.org.", 80, "/sparql"),
        ("http://xn--bcher-kva.example/sparql", "xn--bcher-kva.example", 80, "/sparql"),
        ("http://h:65535/~me/s;p=1/(x)/", "h", 65535, "/~me/s;p=1/(x)/"),
    ],
)  # fmt: skip
def test_a_valid_endpoint_url_is_accepted(url: str, host: str, port: int, target: str) -> None:
    endpoint = parse_endpoint(url)
    assert (endpoint.host, endpoint.port, endpoint.target) == (host, port, target)


def test_a_bad_url_through_the_core_api_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="invalid port"):
        RemoteStore("http://h:99999/")


# ------------------------------------------------------------------ the validator itself
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=20,
)
KEYS = st.sampled_from(["head", "vars", "results", "bindings", "boolean", "type", "value", "xml:lang", "datatype"])
RESULTS_LIKE = st.recursive(
    JSON_VALUES,
    lambda inner: st.dictionaries(KEYS | st.sampled_from(["x", "y"]), inner, max_size=4) | st.lists(inner, max_size=3),
    max_leaves=30,
)


@settings(max_examples=150, deadline=None)
@given(RESULTS_LIKE)
def test_the_validator_never_fails_other_than_malformed(document: object) -> None:
    with contextlib.suppress(MalformedResultsError):
        parse_results(document)


TERMS = st.one_of(
    st.builds(IRI, st.from_regex(r"http://[a-z]{1,5}/[a-z0-9%~]{0,5}", fullmatch=True)),
    st.builds(BlankNode, st.from_regex(r"[a-z][a-z0-9]{0,5}", fullmatch=True)),
    st.text(max_size=10).map(Literal),
    st.text(max_size=5).map(lambda text: Literal(text, XSD + "integer")),
    st.builds(Literal, st.text(max_size=5), st.just(XSD + "string"), st.sampled_from(["en", "fr-CA", "zh-Hans-CN"])),
)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.dictionaries(st.sampled_from(["a", "b", "c"]), TERMS, max_size=3), max_size=5))
def test_valid_results_round_trip_through_the_validator(table: list[dict[str, Any]]) -> None:
    document = {
        "head": {"vars": ["a", "b", "c"]},
        "results": {"bindings": [{name: term_json(value) for name, value in row.items()} for row in table]},
    }
    assert parse_results(json.loads(json.dumps(document))) == (("a", "b", "c"), table)


def test_a_count_that_is_not_an_integer_is_invalid_data_not_a_crash(cli: Invoke) -> None:
    body = rows({"n": {"type": "literal", "value": "many\x1b[2J"}, "t": {"type": "uri", "value": "http://a/"}},
                variables=["n", "t"])  # fmt: skip
    with FakeEndpoint(answer(body)) as endpoint:
        line = assert_one_clean_error(cli("--endpoint", endpoint.url, "stats"), ExitCode.INVALID_DATA)
    assert "not an integer" in line


# ------------------------------------------------------------------ compression and the size cap
def test_a_gzip_answer_is_read_and_its_bytes_counted_as_they_came() -> None:
    import gzip

    body = rows(*[{"x": {"type": "uri", "value": f"http://a/{n}"}} for n in range(200)])
    with FakeEndpoint(answer(gzip.compress(body.encode()), headers=(("Content-Encoding", "gzip"),))) as endpoint:
        store = RemoteStore(endpoint.url)
        found = store.select("SELECT * WHERE { ?s ?p ?o }")
    assert found[199] == {"x": IRI("http://a/199")}
    assert store.traffic.received < store.traffic.decoded == len(body)


def test_a_gzip_bomb_stops_at_the_cap_of_decompressed_bytes() -> None:
    import gzip

    bomb = gzip.compress(b" " * 5_000_000)
    assert len(bomb) < 10_000
    gzipped = answer(bomb, headers=(("Content-Encoding", "gzip"),))
    with FakeEndpoint(gzipped) as endpoint, pytest.raises(RemoteError, match="larger than"):
        RemoteStore(endpoint.url, max_bytes=1_000_000).select("SELECT * WHERE { ?s ?p ?o }")


def test_a_server_that_cut_its_answer_at_its_row_limit_is_refused() -> None:
    cut = answer(rows({"x": {"type": "uri", "value": "http://a/"}}), headers=(("X-SPARQL-MaxRows", "10000"),))
    with FakeEndpoint(cut) as endpoint, pytest.raises(RemoteError, match="row limit"):
        RemoteStore(endpoint.url).select("SELECT * WHERE { ?s ?p ?o }")


def test_the_graph_is_sent_as_the_default_graph_uri() -> None:
    with FakeEndpoint(answer(rows())) as endpoint:
        RemoteStore(endpoint.url, graph="https://example.org/g").select("SELECT * WHERE { ?s ?p ?o }")
    assert b"default-graph-uri=https%3A%2F%2Fexample.org%2Fg" in endpoint.bodies[0]


@pytest.mark.parametrize("graph", ["", "relative/graph", "http://a/b c", "urn:x\n", "<http://a/>"])
def test_a_graph_that_is_not_an_absolute_iri_is_a_usage_error(cli: Invoke, graph: str) -> None:
    result = cli("--endpoint", "http://127.0.0.1:9/sparql", "--graph", graph, "stats")
    assert_one_clean_error(result, ExitCode.USAGE)


def test_a_graph_without_an_endpoint_is_a_usage_error(cli: Invoke) -> None:
    assert_one_clean_error(cli("--graph", "https://example.org/g", "stats"), ExitCode.USAGE)
