"""A misbehaving SPARQL endpoint on 127.0.0.1 for fault tests: each test says what it answers.

:class:`FakeEndpoint` runs a ``ThreadingHTTPServer`` on a free port in a thread and
counts the requests it receives. What it answers is a :data:`Respond` function,
built with :func:`answer` (a well-formed HTTP answer around any body), :func:`raw`
(bytes written to the socket as they are, for broken HTTP) or :func:`trickle`
(bytes written one at a time, slowly).
"""

from __future__ import annotations

import contextlib
import http.server
import threading
from collections.abc import Callable
from types import TracebackType

Respond = Callable[["Handler"], None]


class Handler(http.server.BaseHTTPRequestHandler):
    endpoint: FakeEndpoint

    def _any(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self.endpoint.bodies.append(self.rfile.read(length))
        self.endpoint.requests += 1
        with contextlib.suppress(OSError):  # the client hung up (it stopped waiting): what some tests want
            self.endpoint.respond(self)
        self.close_connection = True

    def do_GET(self) -> None:
        self._any()

    def do_POST(self) -> None:
        self._any()

    def log_message(self, *args: object) -> None:
        pass


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        pass


class FakeEndpoint:
    """``with FakeEndpoint(answer(body=...)) as endpoint: endpoint.url``."""

    def __init__(self, respond: Respond) -> None:
        self.respond = respond
        self.requests = 0
        self.bodies: list[bytes] = []
        self.stopped = threading.Event()
        handler = type("BoundHandler", (Handler,), {"endpoint": self})
        self._server = _Server(("127.0.0.1", 0), handler)
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.005}, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/sparql"

    def __enter__(self) -> FakeEndpoint:
        self._thread.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.stopped.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)


def answer(
    body: bytes | str,
    content_type: str | None = "application/sparql-results+json",
    status: int = 200,
    headers: tuple[tuple[str, str], ...] = (),
    length: int | None = None,
) -> Respond:
    """A well-formed HTTP/1.0 answer; ``length`` overrides the Content-Length (``-1`` leaves it out)."""
    data = body.encode("utf-8", "surrogatepass") if isinstance(body, str) else body

    def respond(handler: Handler) -> None:
        handler.send_response(status)
        if content_type is not None:
            handler.send_header("Content-Type", content_type)
        if length != -1:
            handler.send_header("Content-Length", str(len(data) if length is None else length))
        for name, value in headers:
            handler.send_header(name, value)
        handler.end_headers()
        handler.wfile.write(data)

    return respond


def raw(data: bytes) -> Respond:
    """Write ``data`` to the connection as it is (status line and headers included), then close."""

    def respond(handler: Handler) -> None:
        handler.wfile.write(data)
        handler.wfile.flush()

    return respond


def trickle(data: bytes, interval: float) -> Respond:
    """Write ``data`` one byte every ``interval`` seconds, until done, the client leaves or the server stops."""

    def respond(handler: Handler) -> None:
        for index in range(len(data)):
            if handler.endpoint.stopped.wait(interval):
                return
            handler.wfile.write(data[index : index + 1])
            handler.wfile.flush()

    return respond
