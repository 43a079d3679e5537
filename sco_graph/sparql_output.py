"""Writing a SPARQL result as its rows arrive: a table, the W3C SPARQL JSON results document, or CSV.

Rows are written one at a time, so memory stays flat however many rows a query
returns (a streamed :class:`~sco_graph.results.SparqlResult` can be read only
once). JSON is the document ``json.dumps(result.as_json(), indent=2)`` would
give, written piece by piece and ending with ``"truncated"``. A table sizes
its columns on the first :data:`TABLE_CHUNK` rows; when there are more, the
rest follow in those widths and the row count closes the table instead of
heading it. Text from the data goes through :mod:`sco_graph.escape`. Errors
writing to ``out`` propagate; the CLI maps them.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterable, Iterator
from json.encoder import encode_basestring  # what json.dumps(..., ensure_ascii=False) writes strings with
from typing import IO, TYPE_CHECKING, Any

from sco_graph.escape import json_text, visible
from sco_graph.model import short_iri
from sco_graph.terms import IRI, BlankNode

if TYPE_CHECKING:
    from sco_graph.results import SparqlResult

TABLE_CHUNK = 1000
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def write_sparql(result: SparqlResult, fmt: str, out: IO[str]) -> None:
    """Write ``result`` to ``out`` as ``fmt`` (table, json or csv), row by row."""
    if fmt == "json":
        _write_json(result, out)
    elif fmt == "csv":
        _write_csv(result, out)
    elif out.isatty() and not os.environ.get("NO_COLOR"):
        _write_rich(result, out)
    else:
        _write_plain(result, out)


# ------------------------------------------------------------------ JSON
def _json_term(term: Any) -> str:
    """One term's W3C JSON form, laid out as ``json.dumps(..., indent=2)`` lays it out at depth 4."""
    pad = " " * 10
    if isinstance(term, IRI):
        members = ['"type": "uri"', f'"value": {encode_basestring(term.value)}']
    elif isinstance(term, BlankNode):
        members = ['"type": "bnode"', f'"value": {encode_basestring(term.value)}']
    else:
        members = ['"type": "literal"', f'"value": {encode_basestring(term.value)}']
        if term.language:
            members.append(f'"xml:lang": {encode_basestring(term.language)}')
        elif term.datatype != XSD_STRING:
            members.append(f'"datatype": {encode_basestring(term.datatype)}')
    return "{\n" + ",\n".join(pad + member for member in members) + "\n        }"


def _json_row(row: dict[str, Any]) -> str:
    if not row:
        return "      {}"
    members = ",\n".join(f"        {encode_basestring(name)}: {_json_term(term)}" for name, term in row.items())
    return json_text("      {\n" + members + "\n      }")


def _write_json(result: SparqlResult, out: IO[str]) -> None:
    if result.kind == "ask":
        out.write('{\n  "head": {},\n  "boolean": ' + ("true" if result.boolean else "false") + "\n}\n")
        return
    names = ",\n".join(f"      {encode_basestring(name)}" for name in result.variables)
    out.write('{\n  "head": {\n    "vars": ' + (f"[\n{json_text(names)}\n    ]" if names else "[]") + "\n  },\n")
    out.write('  "results": {\n    "bindings": [')
    separator = "\n"
    for row in result.rows:
        out.write(separator + _json_row(row))
        separator = ",\n"
    out.write("\n    ]" if separator == ",\n" else "]")
    out.write('\n  },\n  "truncated": ' + ("true" if result.truncated else "false") + "\n}\n")


# ------------------------------------------------------------------ CSV
def _write_csv(result: SparqlResult, out: IO[str]) -> None:
    import csv

    writer = csv.writer(out, lineterminator="\n")
    if result.kind == "ask":
        writer.writerow(["boolean"])
        writer.writerow(["true" if result.boolean else "false"])
        return
    names = result.variables
    writer.writerow([visible(name) for name in names] or ["result"])
    for row in result.rows:
        writer.writerow([visible(row[name].value) if name in row else "" for name in names])


# ------------------------------------------------------------------ tables
def _cell(term: Any) -> str:
    if isinstance(term, IRI):
        return visible(short_iri(term.value))
    if isinstance(term, BlankNode):
        return visible(f"_:{term.value}")
    return visible(str(term.value))


def _cells(result: SparqlResult) -> Iterator[list[str]]:
    names = result.variables
    for row in result.rows:
        yield [_cell(row[name]) if name in row else "" for name in names]


def _title(count: int, truncated: bool) -> str:
    return f"{count} row{'s' if count != 1 else ''}" + (" (cut)" if truncated else "")


def _first_chunk(result: SparqlResult) -> tuple[list[list[str]], Iterator[list[str]], bool]:
    """The first rows (at most :data:`TABLE_CHUNK`), the rest, and whether the first are all there is."""
    rows = _cells(result)
    chunk = list(itertools.islice(rows, TABLE_CHUNK + 1))
    if len(chunk) <= TABLE_CHUNK:
        return chunk, iter(()), True
    return chunk[:TABLE_CHUNK], itertools.chain(chunk[TABLE_CHUNK:], rows), False


def _write_plain(result: SparqlResult, out: IO[str]) -> None:
    if result.kind == "ask":
        out.write(("yes" if result.boolean else "no") + "\n")
        return
    header = [visible(name) for name in result.variables]
    chunk, rest, complete = _first_chunk(result)
    if complete:
        out.write(_title(len(chunk), result.truncated) + "\n\n")
    widths = [max(len(cell) for cell in column) for column in zip(header, *chunk, strict=True)]

    def line(cells: list[str]) -> str:
        return "  ".join(cell.ljust(width) for cell, width in zip(cells, widths, strict=True)).rstrip() + "\n"

    out.write(line(header))
    out.write("  ".join("-" * width for width in widths) + "\n")
    count = 0
    for row in itertools.chain(chunk, rest):
        out.write(line(row))
        count += 1
    out.write("\n" if complete else "\n" + _title(count, result.truncated) + "\n")


def _write_rich(result: SparqlResult, out: IO[str]) -> None:
    from rich.console import Console
    from rich.text import Text

    console = Console(file=out, highlight=False)
    if result.kind == "ask":
        console.print(Text("yes" if result.boolean else "no"))
        return
    chunk, rest, complete = _first_chunk(result)
    if complete:
        console.print(_rich_table(result.variables, chunk, _title(len(chunk), result.truncated), header=True))
        return
    count = 0
    for number, rows in enumerate(_batches(itertools.chain(chunk, rest))):
        console.print(_rich_table(result.variables, rows, None, header=number == 0))
        count += len(rows)
    console.print(Text(_title(count, result.truncated)))


def _rich_table(names: tuple[str, ...], rows: list[list[str]], title: str | None, *, header: bool) -> Any:
    from rich import box
    from rich.table import Table
    from rich.text import Text

    table = Table(title=Text(title) if title else None, box=box.SIMPLE_HEAD, title_justify="left", show_header=header)
    for name in names:
        table.add_column(visible(name), overflow="fold")
    for row in rows:
        table.add_row(*(Text(cell) for cell in row))
    return table


def _batches(rows: Iterable[list[str]]) -> Iterator[list[list[str]]]:
    iterator = iter(rows)
    while batch := list(itertools.islice(iterator, TABLE_CHUNK)):
        yield batch
