"""Read-only SPARQL: decide with a real parser what a query does, and refuse what could write or reach out.

Refused before anything runs (exit 8): every SPARQL Update form (INSERT, DELETE,
LOAD, CLEAR, DROP, CREATE, ADD, MOVE, COPY, WITH), SERVICE (a call to another
endpoint) and FROM / FROM NAMED (which some engines resolve by fetching files
or URLs). The decision is read from rdflib's parse tree, so keywords inside
strings, IRIs, comments or prefixed names do not count, and a ``<`` is a
less-than sign where the grammar says so.

Two parsers read every query, rdflib's here and oxigraph's (or a remote
endpoint's) when it runs, so the text is first made one that both read alike:
``\\uXXXX`` and ``\\UXXXXXXXX`` escapes are applied, as SPARQL prescribes and
oxigraph does not, and line breaks become ``\\n`` (rdflib ends a comment only
there; SPARQL also at ``\\r``). What is checked is exactly what runs. A query
rdflib cannot parse is never run: it is a syntax error (exit 2, oxigraph's
line and column when oxigraph rejects it too) or, when only rdflib rejects it,
refused. The local engine cannot reach the network anyway (see
:mod:`sco_graph.sandbox`).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

from sco_graph.errors import ExitCode, ScoGraphError, StorageError, UsageError
from sco_graph.escape import one_line, visible

MAX_QUERY_LENGTH = 100_000
RECURSION_LIMIT = 8000  # rdflib's parser recurses about 25 frames per nesting level

_CODEPOINT = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
# Anything either parser would still take for an escape (rdflib: \u or \U, then 4 or 8 hex digits).
_LEFTOVER_ESCAPE = re.compile(r"\\[uU][0-9A-Fa-f]{4}")
_UPDATE_FORMS = {
    "InsertData": "INSERT DATA",
    "DeleteData": "DELETE DATA",
    "DeleteWhere": "DELETE WHERE",
    "Load": "LOAD",
    "Clear": "CLEAR",
    "Drop": "DROP",
    "Create": "CREATE",
    "Add": "ADD",
    "Move": "MOVE",
    "Copy": "COPY",
}
_REACHING = {
    "ServiceGraphPattern": "SERVICE calls another endpoint",
    "DatasetClause": "FROM and FROM NAMED may fetch files or URLs",
}


class QueryRefusedError(ScoGraphError):
    """A query that could change data or reach outside the loaded graph."""

    code = ExitCode.QUERY_REFUSED


def check_read_only(query: str) -> str:
    """Return the query as it must run (escapes applied, line breaks as ``\\n``) when it only reads; raise otherwise."""
    if not query.strip():
        raise UsageError("the SPARQL query is empty")
    if len(query) > MAX_QUERY_LENGTH:
        raise UsageError(f"the SPARQL query is longer than {MAX_QUERY_LENGTH} characters")
    text = canonical_text(query)
    for name in _node_names(_parse(text)):
        why = _REACHING.get(name)
        if why:
            raise QueryRefusedError(f"refused: {why}; queries run over the loaded data only")
    return text


def canonical_text(query: str) -> str:
    """The query with its code point escapes applied and every line break as ``\\n``.

    A ``\\u`` escape that spells another escape is refused: parsers that
    applied escapes twice and parsers that applied them once would disagree.
    """
    text = _CODEPOINT.sub(_codepoint, query)
    if _LEFTOVER_ESCAPE.search(text):
        raise QueryRefusedError("refused: a \\u escape in the query spells another escape; write the character itself")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _codepoint(match: re.Match[str]) -> str:
    digits = match.group(1) or match.group(2)
    value = int(digits, 16)
    if value > 0x10FFFF or 0xD800 <= value <= 0xDFFF:
        raise UsageError(f"SPARQL syntax error: \\{'u' if match.group(1) else 'U'}{digits} is not a Unicode character")
    return chr(value)


def _prologue() -> str:
    from sco_graph.model import SPARQL_PREFIXES

    return SPARQL_PREFIXES


def _parse(text: str) -> Any:
    """rdflib's parse tree of the query (project prefixes predeclared); raise when it is not one read-only query."""
    from rdflib.plugins.sparql.parser import parseQuery, parseUpdate

    source = _prologue() + text
    tree, failure = _attempt(parseQuery, source)
    if failure is None:
        return tree
    update, _ = _attempt(parseUpdate, source)
    if update is not None and "request" in update:
        raise QueryRefusedError(
            f"refused: {_update_form(update['request'][0])} is a SPARQL Update form; sco-graph only reads"
        )
    raise _not_parsed(source, failure)


def _attempt(parse: Any, source: str) -> tuple[Any, Exception | None]:
    """``parse(source)`` and None, or None and why it failed; deep nesting is refused."""
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, RECURSION_LIMIT))
    try:
        return parse(source), None
    except RecursionError:
        raise QueryRefusedError("refused: the query is nested too deeply to be checked") from None
    except Exception as error:  # noqa: BLE001 - whatever rdflib raises, the query was not parsed
        return None, error
    finally:
        sys.setrecursionlimit(limit)


def _update_form(request: Any) -> str:
    name = str(request.name)
    if name == "Modify":
        return "WITH" if request.get("withClause") is not None else ("DELETE" if request.get("delete") else "INSERT")
    return _UPDATE_FORMS.get(name, name.upper())


def _not_parsed(source: str, failure: Exception) -> ScoGraphError:
    """The error for a query rdflib cannot parse: oxigraph's syntax error, or a refusal when only rdflib objects."""
    offset = _prologue().count("\n")
    parsed, at = str(getattr(failure, "pstr", source)), int(getattr(failure, "loc", -1))
    if "end of text" in str(failure) and parsed[at : at + 1] == ";":
        return QueryRefusedError("refused: ';' chains SPARQL Update operations; give one read-only query")
    from sco_graph.sandbox import oxigraph_syntax_error

    message = oxigraph_syntax_error(source)
    if message is not None:
        return UsageError(syntax_message(message, offset))
    line = max(1, int(getattr(failure, "lineno", offset + 1)) - offset)
    column = int(getattr(failure, "col", 1))
    detail = one_line(str(getattr(failure, "msg", failure)))
    return QueryRefusedError(
        f"refused: sco-graph cannot check this query (line {line}, column {column}: {detail}); "
        "write it in plain SPARQL 1.1"
    )


def _node_names(tree: Any) -> list[str]:
    """The name of every grammar node in rdflib's parse tree, nested ones included (walked without recursion)."""
    from pyparsing import ParseResults
    from rdflib.plugins.sparql.parserutils import CompValue

    names: list[str] = []
    stack: list[Any] = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, CompValue):
            names.append(str(node.name))
            stack.extend(node.values())
        elif isinstance(node, ParseResults | list | tuple):
            stack.extend(node)
    return names


def read_query(path: Path) -> str:
    """Read a query file (``-``: standard input) as UTF-8, never more than :data:`MAX_QUERY_LENGTH` characters.

    Reading stops one character past the limit, so ``/dev/zero`` or a huge file
    is an error at once rather than a hang or an exhausted memory.
    """
    try:
        if str(path) == "-":
            text = sys.stdin.read(MAX_QUERY_LENGTH + 1)
        else:
            with path.open(encoding="utf-8-sig", errors="strict") as handle:
                text = handle.read(MAX_QUERY_LENGTH + 1)
    except UnicodeDecodeError as error:
        where = visible(str(path))
        raise UsageError(
            f"{where}: the SPARQL query is not UTF-8 text (byte 0x{error.object[error.start]:02x})"
        ) from None
    except PermissionError:
        raise StorageError(f"{visible(str(path))}: permission denied") from None
    except OSError as error:
        raise StorageError(f"{visible(str(path))}: cannot read ({error.strerror or error})") from None
    if len(text) > MAX_QUERY_LENGTH:
        raise UsageError(f"the SPARQL query is longer than {MAX_QUERY_LENGTH} characters")
    return text


_POSITION = re.compile(r"error at (\d+):(\d+):\s*(.*)", re.S)


def syntax_message(message: str, line_offset: int = 0) -> str:
    """Turn a parser message into 'line L, column C: ...', counting lines of the user's own query."""
    match = _POSITION.search(message)
    if match:
        line = max(1, int(match.group(1)) - line_offset)
        return f"SPARQL syntax error at line {line}, column {match.group(2)}: {one_line(match.group(3))}"
    return f"SPARQL syntax error: {one_line(message)}"
