"""HTTP to the one endpoint a user named: a checked URL, one deadline, a size cap.

Owns the transport under :mod:`sco_graph.remote`:

- :func:`parse_endpoint` checks an ``--endpoint`` URL before anything touches
  the network (scheme, host, port, characters that could not form a request
  line, credentials, fragments) and raises :class:`UsageError` otherwise;
- :class:`Client` sends form-encoded POSTs with :mod:`http.client` over one
  kept-alive connection, asking for gzip; it follows no redirect and reads no
  proxy from the environment, so no request ever goes anywhere but the named
  endpoint, and it counts what it exchanged (:class:`Traffic`);
- one deadline bounds connecting, sending, the status line and headers and the
  body: every socket read waits at most the time left, so a server that
  trickles a byte at a time is stopped on time (:class:`QueryTimeoutError`);
- the body is capped (``Content-Length`` up front, then bytes counted while
  reading, after decompression, so a small gzip bomb is stopped); every
  failure is a one-line :class:`RemoteError` whose quotes of the server's
  words are escaped and truncated.
"""

from __future__ import annotations

import http.client
import io
import ipaddress
import os
import re
import socket
import ssl
import time
import urllib.parse
import zlib
from dataclasses import dataclass
from typing import Any, cast

from sco_graph import __version__
from sco_graph.errors import ExitCode, ScoGraphError, UsageError
from sco_graph.escape import one_line
from sco_graph.store import QueryTimeoutError

MIB = 1024 * 1024
DEFAULT_MAX_BYTES = 256 * MIB
MAX_BYTES_ENV = "SCO_GRAPH_ENDPOINT_MAX_MB"
MAX_URL_LENGTH = 4096
_CHUNK = 64 * 1024
_DETAIL_BYTES = 1024

_PRINTABLE_ASCII = re.compile(r"[\x21-\x7e]*")
_LABEL = r"[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?"
_HOST = re.compile(rf"{_LABEL}(?:\.{_LABEL})*\.?")
_PORT = re.compile(r"[0-9]{1,5}")
# RFC 3986 path and query: unreserved, sub-delims, ":", "@", "/", "?" and %XX escapes.
_TARGET = re.compile(r"(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/?]|%[0-9A-Fa-f]{2})*")
_USERINFO = re.compile(r"//[^/?#]*@")


class RemoteError(ScoGraphError):
    """The endpoint could not be reached or did not answer with SPARQL results."""

    code = ExitCode.REMOTE_ERROR


class HTTPStatusError(RemoteError):
    """The endpoint answered with an HTTP error status (4xx, 5xx)."""

    def __init__(self, message: str, status: int, detail: str) -> None:
        super().__init__(message)
        self.status = status
        self.detail = detail


def quote(text: str, width: int = 120) -> str:
    """Untrusted text for a one-line message: whitespace collapsed, cut at ``width``, controls escaped."""
    text = " ".join(text.split())
    return one_line(text if len(text) <= width else text[: width - 1] + "…")


# ------------------------------------------------------------------ the endpoint URL
@dataclass(frozen=True)
class Endpoint:
    """A checked endpoint URL, split into what a connection needs."""

    url: str
    secure: bool
    host: str  # without IPv6 brackets
    port: int
    target: str  # path and query: the request target


def shown(url: str) -> str:
    """The URL for a message: credentials hidden, controls escaped, cut when very long."""
    return quote(_USERINFO.sub("//…@", url), 200)


def parse_endpoint(url: str) -> Endpoint:
    """Check an ``--endpoint`` URL without any network access; :class:`UsageError` when it is not usable."""
    if len(url) > MAX_URL_LENGTH:
        raise UsageError(f"--endpoint is longer than {MAX_URL_LENGTH} characters ({shown(url)} given)")
    if not _PRINTABLE_ASCII.fullmatch(url):
        raise UsageError(
            "--endpoint must be ASCII without spaces or control characters; "
            f"percent-encode the rest and give IDN hosts in their xn-- form ({shown(url)} given)"
        )
    try:
        parts = urllib.parse.urlsplit(url)
    except ValueError as error:
        raise UsageError(f"--endpoint is not a valid URL: {quote(str(error))} ({shown(url)} given)") from None
    if parts.scheme not in ("http", "https"):
        raise UsageError(f"--endpoint must be an http:// or https:// URL ({shown(url)} given)")
    if "#" in url:
        raise UsageError(f"--endpoint must not have a #fragment, which is never sent ({shown(url)} given)")
    if "@" in parts.netloc:
        raise UsageError(
            "--endpoint must not hold credentials (user:password@): sco-graph does not send them, and a password "
            f"on the command line shows in process lists and shell history ({shown(url)} given)"
        )
    host, port = _host_and_port(parts.netloc, url)
    target = parts.path or "/"
    if parts.query:
        target += "?" + parts.query
    if not target.startswith("/") or not _TARGET.fullmatch(target):
        raise UsageError(
            f"--endpoint has a path or query that is not a valid URL part (percent-encode it) ({shown(url)} given)"
        )
    secure = parts.scheme == "https"
    return Endpoint(url, secure, host, port or (443 if secure else 80), target)


def _host_and_port(netloc: str, url: str) -> tuple[str, int | None]:
    if netloc.startswith("["):
        end = netloc.find("]")
        host, rest = (netloc[1:end], netloc[end + 1 :]) if end > 0 else ("", "")
        if end < 0 or "[" in host or "]" in rest or not _is_ipv6(host):
            raise UsageError(f"--endpoint has a malformed [IPv6] host ({shown(url)} given)")
        if rest and not rest.startswith(":"):
            raise UsageError(f"--endpoint has text after its [IPv6] host ({shown(url)} given)")
        port_text = rest[1:] if rest else ""
    else:
        host, _, port_text = netloc.partition(":")
        if "[" in netloc or "]" in netloc:
            raise UsageError(f"--endpoint has unbalanced [ ] around its host ({shown(url)} given)")
        if not host:
            raise UsageError(f"--endpoint has no host ({shown(url)} given)")
        if not _HOST.fullmatch(host) or not _is_name_or_ipv4(host):
            raise UsageError(f"--endpoint has an invalid host name ({shown(url)} given)")
    if not port_text:
        return host, None
    if not _PORT.fullmatch(port_text) or not 1 <= int(port_text) <= 65535:
        raise UsageError(f"--endpoint has an invalid port: it must be a number from 1 to 65535 ({shown(url)} given)")
    return host, int(port_text)


def _is_ipv6(text: str) -> bool:
    try:
        ipaddress.IPv6Address(text)  # zone ids ("%eth0") are refused: they are not portable
    except ValueError:
        return False
    return "%" not in text


def _is_name_or_ipv4(host: str) -> bool:
    """A dotted name whose labels are all digits must be a real IPv4 address (``999.1.1.1`` is not)."""
    if not all(label.isdigit() for label in host.rstrip(".").split(".")):
        return True
    try:
        ipaddress.IPv4Address(host.rstrip("."))
    except ValueError:
        return False
    return True


def max_bytes_from_environment() -> int:
    """The body cap: ``SCO_GRAPH_ENDPOINT_MAX_MB`` MiB when set, else 256 MiB."""
    value = os.environ.get(MAX_BYTES_ENV, "").strip()
    if not value:
        return DEFAULT_MAX_BYTES
    try:
        megabytes = float(value)
    except ValueError:
        megabytes = 0.0
    if not 0 < megabytes <= 1024 * 1024:
        raise UsageError(f"{MAX_BYTES_ENV} must be a number of MiB above 0 ({quote(value, 40)} given)")
    return max(1, int(megabytes * MIB))


def size_text(size: int) -> str:
    return f"{size / MIB:g} MiB" if size % (MIB // 16) == 0 else f"{size} bytes"


# ------------------------------------------------------------------ one request within a deadline
class Deadline:
    """A point in time every network wait must end by."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.end = time.monotonic() + seconds

    def remaining(self) -> float:
        left = self.end - time.monotonic()
        if left <= 0:
            raise TimeoutError("the deadline has passed")
        return left


class _DeadlineSocket:
    """The connected socket as :mod:`http.client` sees it: sends and reads bounded by the deadline.

    Like :meth:`socket.socket.makefile`, an open reader keeps the socket open after :meth:`close`
    (http.client closes the connection as soon as it has the headers of a ``Connection: close`` answer).
    """

    def __init__(self, sock: socket.socket, deadline: Deadline) -> None:
        self._sock = sock
        self.deadline = deadline
        self._readers = 0
        self._closed = False

    def sendall(self, data: bytes) -> None:
        self._sock.settimeout(self.deadline.remaining())
        self._sock.sendall(data)

    def recv_into(self, buffer: Any) -> int:
        self._sock.settimeout(self.deadline.remaining())
        return self._sock.recv_into(buffer)

    def makefile(self, mode: str = "rb", *args: object, **kwargs: object) -> io.BufferedReader:
        del mode, args, kwargs  # http.client only ever reads responses through it
        self._readers += 1
        return io.BufferedReader(_DeadlineReader(self))

    def release(self) -> None:
        self._readers -= 1
        if self._closed and self._readers <= 0:
            self._sock.close()

    def close(self) -> None:
        self._closed = True
        if self._readers <= 0:
            self._sock.close()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._sock, name)


class _DeadlineReader(io.RawIOBase):
    """Reads from the socket, each read waiting at most until the deadline (not a fresh timeout per byte)."""

    def __init__(self, sock: _DeadlineSocket) -> None:
        super().__init__()
        self._sock: _DeadlineSocket | None = sock

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if self._sock is None:
            raise ValueError("read of a closed response")
        return self._sock.recv_into(buffer)

    def close(self) -> None:
        if self._sock is not None:
            self._sock.release()
            self._sock = None
        super().close()


def _open_socket(host: str, port: int, deadline: Deadline) -> socket.socket:
    """Connect to the first address that answers, each attempt within the time left."""
    error: OSError | None = None
    for family, kind, protocol, _, address in socket.getaddrinfo(host, port, 0, socket.SOCK_STREAM):
        sock = socket.socket(family, kind, protocol)
        try:
            sock.settimeout(deadline.remaining())
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # a request is one write: send it now
            sock.connect(address)
            sock.settimeout(deadline.remaining())  # the TLS handshake, if any, gets only the time left
        except TimeoutError:
            sock.close()
            raise
        except OSError as failure:
            sock.close()
            error = failure
            continue
        return sock
    raise error or OSError(f"no address found for {host}")


class _Timed:
    """A connection whose socket waits are bounded by the deadline of the request at hand."""

    _deadline: Deadline
    sock: Any

    def use(self, deadline: Deadline) -> None:
        self._deadline = deadline
        if isinstance(self.sock, _DeadlineSocket):
            self.sock.deadline = deadline


class _Connection(_Timed, http.client.HTTPConnection):
    def __init__(self, host: str, port: int, deadline: Deadline) -> None:
        super().__init__(host, port, timeout=deadline.remaining())
        self._deadline = deadline

    def connect(self) -> None:
        self.sock = _open_socket(self.host, self.port, self._deadline)
        self.sock = cast(socket.socket, _DeadlineSocket(self.sock, self._deadline))


class _TLSConnection(_Timed, http.client.HTTPSConnection):
    def __init__(self, host: str, port: int, deadline: Deadline) -> None:
        super().__init__(host, port, timeout=deadline.remaining(), context=ssl.create_default_context())
        self._deadline = deadline

    def connect(self) -> None:
        raw = _open_socket(self.host, self.port, self._deadline)
        self.sock = self._context.wrap_socket(raw, server_hostname=self.host)  # type: ignore[attr-defined]
        self.sock = cast(socket.socket, _DeadlineSocket(self.sock, self._deadline))


@dataclass(frozen=True)
class Answer:
    """A successful (2xx) answer: its media type (lower case, no parameters; "" when none) and body."""

    status: int
    media_type: str
    body: bytes


@dataclass
class Traffic:
    """What a client has exchanged with its endpoint: requests, and body bytes as sent over the wire."""

    requests: int = 0
    connections: int = 0
    received: int = 0  # body bytes read from the socket (compressed when the server compressed them)
    decoded: int = 0  # body bytes after decompression


# Failures that mean a kept-alive connection was closed by the server between two requests.
_STALE = (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError, ConnectionAbortedError)


class Client:
    """Requests to one endpoint over one kept-alive connection, each within its own deadline.

    A connection the server closed between requests is reopened once and the
    request sent again (every request is a read-only query, safe to repeat).
    Answers may come gzip-compressed; the size cap counts the decompressed bytes.
    """

    def __init__(self, endpoint: Endpoint, max_bytes: int) -> None:
        self.endpoint = endpoint
        self.max_bytes = max_bytes
        self.traffic = Traffic()
        self._connection: http.client.HTTPConnection | None = None
        self._reused = False

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    def post(self, fields: dict[str, str], accept: str, timeout: float) -> Answer:
        """POST ``fields`` form-encoded; the exchange ends within ``timeout`` s and reads at most the cap."""
        deadline = Deadline(timeout)
        url = shown(self.endpoint.url)
        try:
            try:
                return self._exchange(fields, accept, deadline, url)
            except _STALE:
                if not self._reused:
                    raise
                self.close()  # the server closed the idle connection: one fresh attempt
                return self._exchange(fields, accept, deadline, url)
        except TimeoutError:
            self.close()
            raise QueryTimeoutError(f"{url} did not answer within {timeout:g} s") from None
        except http.client.HTTPException as error:
            self.close()
            raise RemoteError(f"{url} broke the HTTP protocol: {_protocol_reason(error)}") from None
        except ssl.SSLError as error:
            self.close()
            raise RemoteError(f"cannot reach {url}: TLS failed: {quote(error.reason or str(error))}") from None
        except OSError as error:
            self.close()
            raise RemoteError(f"cannot reach {url}: {quote(error.strerror or str(error))}") from None
        except BaseException:
            self.close()  # a half-read answer leaves the connection unusable
            raise

    def _connect(self, deadline: Deadline) -> http.client.HTTPConnection:
        self._reused = self._connection is not None
        if self._connection is None:
            kind = _TLSConnection if self.endpoint.secure else _Connection
            self._connection = kind(self.endpoint.host, self.endpoint.port, deadline)
            self.traffic.connections += 1
        else:
            cast(_Timed, self._connection).use(deadline)
        return self._connection

    def _exchange(self, fields: dict[str, str], accept: str, deadline: Deadline, url: str) -> Answer:
        connection = self._connect(deadline)
        connection.request(
            "POST",
            self.endpoint.target,
            body=urllib.parse.urlencode(fields).encode("utf-8"),
            headers={
                "Accept": accept,
                "Accept-Encoding": "gzip",
                "Content-Type": "application/x-www-form-urlencoded",
                "User-Agent": f"sco-graph/{__version__}",
            },
        )
        self.traffic.requests += 1
        response = connection.getresponse()
        try:
            answer = _answer(response, url, self.max_bytes, self.traffic)
        finally:
            response.close()
        if response.will_close:
            self.close()
        return answer


def post(endpoint: Endpoint, fields: dict[str, str], accept: str, timeout: float, max_bytes: int) -> Answer:
    """One POST on a connection of its own (see :class:`Client`)."""
    client = Client(endpoint, max_bytes)
    try:
        return client.post(fields, accept, timeout)
    finally:
        client.close()


def _protocol_reason(error: http.client.HTTPException) -> str:
    if isinstance(error, http.client.IncompleteRead):
        return f"the answer was cut off after {len(error.partial)} bytes"
    if isinstance(error, http.client.RemoteDisconnected):
        return "it closed the connection without answering"
    return quote(f"{type(error).__name__}: {error}")


def _answer(response: http.client.HTTPResponse, url: str, max_bytes: int, traffic: Traffic) -> Answer:
    status = response.status
    if 300 <= status < 400:
        location = response.getheader("Location") or "no location"
        raise RemoteError(
            f"{url} answered HTTP {status} redirecting to {quote(location, 200)}; sco-graph does not follow "
            "redirects: give that URL as --endpoint if you trust it"
        )
    if not 200 <= status < 300:
        detail = _detail(response)
        message = f"{url} answered HTTP {status} {quote(response.reason, 60)}"
        raise HTTPStatusError(f"{message}: {quote(detail, 200)}" if detail.strip() else message, status, detail)
    encoding = (response.getheader("Content-Encoding") or "identity").strip().lower()
    if encoding not in ("", "identity", "gzip", "x-gzip"):
        raise RemoteError(f"{url} answered with {quote(encoding, 40)} compression, which sco-graph did not ask for")
    compressed = encoding in ("gzip", "x-gzip")
    if not compressed and response.length is not None and response.length > max_bytes:
        raise _too_large(max_bytes)
    media_type = (response.getheader("Content-Type") or "").split(";")[0].strip().lower()
    cut = response.getheader("X-SPARQL-MaxRows")
    if cut is not None:  # Virtuoso's sign that it answered only the first rows (its ResultSetMaxRows)
        raise RemoteError(
            f"{url} cut its answer at {quote(cut, 20)} rows (the server's own row limit), so the answer would be "
            "incomplete; raise the server's limit (Virtuoso: ResultSetMaxRows) or narrow the question"
        )
    body = _read_capped(response, max_bytes, url, traffic, compressed)
    return Answer(status, media_type, body)


def _read_capped(
    response: http.client.HTTPResponse, max_bytes: int, url: str, traffic: Traffic, compressed: bool
) -> bytes:
    """The whole body, decompressed when gzip; more than ``max_bytes`` (decompressed) is refused."""
    inflate = zlib.decompressobj(16 + zlib.MAX_WBITS) if compressed else None
    chunks: list[bytes] = []
    total = 0
    try:
        while chunk := response.read(_CHUNK):
            traffic.received += len(chunk)
            if inflate is not None:
                chunk = inflate.decompress(chunk, max_bytes + 1 - total)
                if inflate.unconsumed_tail:
                    raise _too_large(max_bytes)
            total += len(chunk)
            if total > max_bytes:
                raise _too_large(max_bytes)
            chunks.append(chunk)
        if inflate is not None:
            tail = inflate.flush()
            total += len(tail)
            if total > max_bytes:
                raise _too_large(max_bytes)
            chunks.append(tail)
            if not inflate.eof:
                raise RemoteError(f"{url} answered with a gzip body that was cut off")
    except zlib.error as error:
        raise RemoteError(f"{url} answered with a body that is not valid gzip: {quote(str(error), 80)}") from None
    if response.length:  # http.client stops quietly at an early end of a body with a Content-Length
        raise http.client.IncompleteRead(b"".join(chunks), response.length)
    traffic.decoded += total
    return b"".join(chunks)


def _too_large(max_bytes: int) -> RemoteError:
    return RemoteError(
        f"the endpoint's answer is larger than {size_text(max_bytes)}; narrow the query (LIMIT) "
        f"or raise {MAX_BYTES_ENV}"
    )


def _detail(response: http.client.HTTPResponse) -> str:
    """The start of an error page, for the message; nothing when it cannot be read in time."""
    try:
        return response.read(_DETAIL_BYTES).decode("utf-8", "replace")
    except (OSError, http.client.HTTPException):
        return ""
