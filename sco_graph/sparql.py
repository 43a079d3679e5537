"""Read-only SPARQL: refuse what could write or reach out, then run with a timeout and a row cap.

Refused before anything runs: every SPARQL Update form (INSERT, DELETE, LOAD,
CLEAR, DROP, CREATE, ADD, MOVE, COPY, WITH), SERVICE (a call to another
endpoint), and FROM / FROM NAMED (which some engines resolve by fetching files
or URLs). The check reads the query's tokens, so keywords inside strings, IRIs
or comments do not count.
"""

from __future__ import annotations

import re

from sco_graph.errors import ExitCode, ScoGraphError, UsageError

UPDATE_KEYWORDS = {"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"}
REACHING_KEYWORDS = {"SERVICE": "SERVICE calls another endpoint", "FROM": "FROM and FROM NAMED may fetch files or URLs"}
MAX_QUERY_LENGTH = 100_000

_TOKEN = re.compile(
    r"""
    (?P<comment>\#[^\n]*)
  | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
              |'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*")
  | (?P<iri><[^<>"{}|^`\\\s]*>)
  | (?P<variable>[?$][A-Za-z0-9_\u00b7-\uffff]+)
  | (?P<word>[A-Za-z_][A-Za-z0-9_\-.]*(?::[^\s{}();,]*)?|:[^\s{}();,]*)
  | (?P<other>\S)
    """,
    re.VERBOSE,
)


class QueryRefusedError(ScoGraphError):
    """A query that could change data or reach outside the loaded graph."""

    code = ExitCode.QUERY_REFUSED


def keywords(query: str) -> list[str]:
    """The bare words of a query, upper-cased, skipping strings, IRIs, variables and comments."""
    return [match.group("word").upper() for match in _TOKEN.finditer(query) if match.group("word")]


def check_read_only(query: str) -> str:
    """Return the query when it is a read-only query over the loaded data; raise otherwise."""
    if not query.strip():
        raise UsageError("the SPARQL query is empty")
    if len(query) > MAX_QUERY_LENGTH:
        raise UsageError(f"the SPARQL query is longer than {MAX_QUERY_LENGTH} characters")
    words = set(keywords(query))
    update = sorted(words & UPDATE_KEYWORDS)
    if update:
        raise QueryRefusedError(f"refused: {update[0]} is a SPARQL Update form; sco-graph only reads")
    for word, why in REACHING_KEYWORDS.items():
        if word in words:
            raise QueryRefusedError(f"refused: {why}; queries run over the loaded data only")
    return query


_POSITION = re.compile(r"error at (\d+):(\d+):\s*(.*)", re.S)


def syntax_message(message: str, line_offset: int = 0) -> str:
    """Turn a parser message into 'line L, column C: ...', counting lines of the user's own query."""
    match = _POSITION.search(message)
    if match:
        line = max(1, int(match.group(1)) - line_offset)
        detail = " ".join(match.group(3).split())
        return f"SPARQL syntax error at line {line}, column {match.group(2)}: {detail}"
    return f"SPARQL syntax error: {' '.join(message.split())}"
