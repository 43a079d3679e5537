"""Real SPARQL servers for the tests: Oxigraph and Virtuoso Open-Source, each on 127.0.0.1.

Each server gets its own database under the folder it is given and free ports, answers before
the context is entered, and is stopped (SIGTERM, then SIGKILL) when it is left. Virtuoso's
database folder is removed afterwards; Oxigraph's stays in the caller's temporary folder.
On Linux a server also dies with the test process, so an interrupted run leaves none behind.
"""

from __future__ import annotations

import ctypes
import json
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

STARTUP_SECONDS = 60.0
STOP_SECONDS = 10.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def oxigraph_binary() -> str:
    found = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")
    assert Path(found).exists(), "the oxigraph server (PyPI package 'oxigraph') is a test dependency"
    return found


def virtuoso_binaries() -> tuple[str, str]:
    server, client = shutil.which("virtuoso-t"), shutil.which("isql-vt")
    assert server and client, (
        "Virtuoso Open-Source is a test dependency: apt-get install virtuoso-opensource-7-bin (.ci/run does)"
    )
    return server, client


_LIBC = ctypes.CDLL(None, use_errno=True) if sys.platform == "linux" else None
_PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    """In the child, before exec: ask Linux to send SIGTERM when the test process ends."""
    assert _LIBC is not None
    _LIBC.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


def _start(command: list[str], cwd: Path, log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as output:
        return subprocess.Popen(
            command,
            cwd=cwd,
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
            # Only a prctl call runs between fork and exec (the library was loaded beforehand).
            preexec_fn=_die_with_parent if _LIBC is not None else None,  # noqa: PLW1509
        )


def _stop(server: subprocess.Popen[bytes]) -> None:
    server.terminate()
    try:
        server.wait(timeout=STOP_SECONDS)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def _tail(log: Path, lines: int = 15) -> str:
    try:
        return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def _wait_until(ready: Callable[[], bool], server: subprocess.Popen[bytes], what: str, log: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while not ready():
        if server.poll() is not None:
            raise RuntimeError(f"{what} exited with status {server.returncode} while starting:\n{_tail(log)}")
        if time.monotonic() > deadline:
            raise RuntimeError(f"{what} did not answer within {STARTUP_SECONDS:g} s:\n{_tail(log)}")
        time.sleep(0.05)


# Straight to 127.0.0.1: proxy settings in the environment must not reroute the tests' requests.
_DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def _answers_ask(url: str) -> bool:
    try:
        _DIRECT.open(f"{url}?query=ASK%7B%7D", timeout=1).close()
    except OSError:
        return False
    return True


def _accepts(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    except OSError:
        return False
    return True


def _select_count(url: str, query: str, graph_iri: str) -> int:
    body = urllib.parse.urlencode({"query": query, "default-graph-uri": graph_iri}).encode()
    request = urllib.request.Request(url, body, {"Accept": "application/sparql-results+json"})
    with _DIRECT.open(request, timeout=30) as answer:
        results = json.load(answer)
    return int(results["results"]["bindings"][0]["n"]["value"])


def _triples_in(data_nt: Path) -> int:
    with data_nt.open("rb") as lines:
        return sum(1 for line in lines if line.strip() and not line.lstrip().startswith(b"#"))


# ------------------------------------------------------------------ Oxigraph
@contextmanager
def oxigraph_server(data_nt: Path, folder: Path, graph_iri: str | None = None) -> Iterator[str]:
    """Load ``data_nt`` (into the named graph ``graph_iri``, else the default graph) and serve it read-only.

    Yields the SPARQL query URL (``http://127.0.0.1:PORT/query``).
    """
    binary = oxigraph_binary()
    location = folder / "oxigraph-db"
    load = [binary, "load", "--location", str(location), "--file", str(data_nt)]
    subprocess.run([*load, "--graph", graph_iri] if graph_iri else load, check=True, capture_output=True)
    port = free_port()
    log = folder / "oxigraph.log"
    server = _start(
        [binary, "serve-read-only", "--location", str(location), "--bind", f"127.0.0.1:{port}"], folder, log
    )
    url = f"http://127.0.0.1:{port}/query"
    try:
        _wait_until(lambda: _answers_ask(url), server, "oxigraph", log)
        yield url
    finally:
        _stop(server)


# ------------------------------------------------------------------ Virtuoso
_VIRTUOSO_INI = """\
; A throwaway Virtuoso for one test run: its own folder and ports, 127.0.0.1 only, no plugins.
[Database]
DatabaseFile = {db}/virtuoso.db
ErrorLogFile = {db}/virtuoso.log
LockFile = {db}/virtuoso.lck
TransactionFile = {db}/virtuoso.trx
xa_persistent_file = {db}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {db}/virtuoso-temp.db
TransactionFile = {db}/virtuoso-temp.trx
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
MaxClientConnections = 8
; A throwaway database: no timed checkpoints and no fsync at checkpoints (a fresh database starts
; in about 2 s instead of 3 to 5 s on this machine's disk).
CheckpointInterval = 0
CheckpointSyncMode = 0
O_DIRECT = 0
CaseMode = 2
AllowOSCalls = 0
DirsAllowed = {data}
NumberOfBuffers = 2000
MaxDirtyBuffers = 1500
ThreadsPerQuery = 2
AsyncQueueMaxThreads = 4
MaxQueryMem = 256M

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {db}/www
MaxClientConnections = 8
ServerThreads = 8
EnabledDavVSP = 0
HTTPProxyEnabled = 0
KeepAliveTimeout = 10
Charset = UTF-8
EnabledGzipContent = 1

[URIQA]
DynamicLocal = 0
DefaultHost = 127.0.0.1:{http_port}

[SPARQL]
; Debian's stock limit: a longer answer is cut to this many rows (said only by an X-SPARQL-MaxRows header).
ResultSetMaxRows = 10000
"""


def _sql_string(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _isql(client: str, port: int, statements: str, cwd: Path) -> str:
    """Run SQL as ``dba`` (a fresh database's default password); a failed statement raises."""
    result = subprocess.run(
        [client, f"127.0.0.1:{port}", "dba", "dba", f"exec={statements}"],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if result.returncode != 0 or "*** Error" in result.stderr:
        raise RuntimeError(f"isql-vt failed ({result.returncode}): {result.stderr.strip()}")
    return result.stdout


@contextmanager
def virtuoso_server(data_nt: Path, folder: Path, graph_iri: str) -> Iterator[str]:
    """Start Virtuoso on a fresh database, bulk-load ``data_nt`` into ``graph_iri``, yield its SPARQL URL.

    The URL is ``http://127.0.0.1:PORT/sparql``. The database lives in a new folder under ``folder``,
    removed with everything in it once the server has stopped.
    """
    server_binary, client = virtuoso_binaries()
    data = data_nt.resolve()
    if "," in str(data.parent):
        raise ValueError(f"Virtuoso's DirsAllowed cannot name a folder with a comma: {data.parent}")
    db = Path(tempfile.mkdtemp(prefix="virtuoso-", dir=folder))
    sql_port, http_port = free_port(), free_port()
    server: subprocess.Popen[bytes] | None = None
    try:
        (db / "www").mkdir()
        ini = db / "virtuoso.ini"
        settings = {"db": db, "data": data.parent, "sql_port": sql_port, "http_port": http_port}
        ini.write_text(_VIRTUOSO_INI.format(**settings))
        log = db / "virtuoso.out"
        server = _start([server_binary, "+foreground", "+configfile", str(ini)], db, log)
        url = f"http://127.0.0.1:{http_port}/sparql"
        _wait_until(lambda: _answers_ask(url) and _accepts(sql_port), server, "virtuoso-t", log)
        _isql(
            client,
            sql_port,
            f"ld_dir({_sql_string(str(data.parent))}, {_sql_string(data.name)}, {_sql_string(graph_iri)}); "
            "rdf_loader_run(); checkpoint;",
            db,
        )
        _check_loaded(client, sql_port, url, data, graph_iri, db)
        yield url
    finally:
        if server is not None:
            _stop(server)
        shutil.rmtree(db, ignore_errors=True)


def _check_loaded(client: str, sql_port: int, url: str, data: Path, graph_iri: str, db: Path) -> None:
    """The bulk loader reports a bad file only in its load list: compare what the graph holds with the file."""
    loaded = _select_count(url, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", graph_iri)
    expected = _triples_in(data)
    if loaded != expected:
        errors = _isql(client, sql_port, "SELECT LL_FILE, LL_STATE, LL_ERROR FROM DB.DBA.LOAD_LIST;", db)
        raise RuntimeError(f"Virtuoso loaded {loaded} of the {expected} triples in {data}:\n{errors}")
