"""Writing a SPARQL result as its rows arrive: a table, a W3C results format, JSON Lines, or RDF.

SELECT and ASK answers are written as a table, the W3C SPARQL 1.1 results
formats (JSON, CSV, TSV, XML) or JSON Lines; CONSTRUCT and DESCRIBE answers
as Turtle (their default), N-Triples or JSON-LD, or shown as rows of subject,
predicate and object (table, CSV, JSON Lines). :func:`choose_format` decides,
and refuses a format that does not fit the answer.

Rows are written one at a time, so memory stays flat however many rows a query
returns (a streamed :class:`~sco_graph.results.SparqlResult` can be read only
once). JSON is the document ``json.dumps(result.as_json(), indent=2)`` would
give, written piece by piece; whether rows were cut at the limit is the
caller's to report (on stderr), never part of a W3C document. A table sizes
its columns on the first :data:`TABLE_CHUNK` rows; when there are more, the
rest follow in those widths and the row count closes the table instead of
heading it. Text from the data goes through :mod:`sco_graph.escape`, or is
escaped as the format's own specification says. Errors writing to ``out``
propagate; the CLI maps them.
"""

from __future__ import annotations

import itertools
import json
import os
import re
from collections.abc import Iterable, Iterator
from json.encoder import encode_basestring  # what json.dumps(..., ensure_ascii=False) writes strings with
from typing import IO, TYPE_CHECKING, Any, cast

from sco_graph.errors import UsageError
from sco_graph.escape import json_text, rdf_text, visible, xml_text
from sco_graph.model import short_iri
from sco_graph.terms import IRI, BlankNode

if TYPE_CHECKING:
    from sco_graph.results import SparqlResult

TABLE_CHUNK = 1000
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"

RESULTS_FORMATS = ("table", "json", "csv", "tsv", "xml", "jsonl")
"""What a SELECT or ASK answer can be written as (the first is the default)."""
GRAPH_FORMATS = ("turtle", "ntriples", "jsonld", "table", "csv", "jsonl")
"""What a CONSTRUCT or DESCRIBE answer can be written as (the first is the default)."""
RDF_FORMATS = ("turtle", "ntriples", "jsonld")


def check_format(value: str | None) -> str | None:
    """``value`` lower-cased when some answer can be written in it (None: the answer's default); raise otherwise."""
    if value is None:
        return None
    lowered = value.lower()
    if lowered not in RESULTS_FORMATS + RDF_FORMATS:
        known = ", ".join(dict.fromkeys(RESULTS_FORMATS + RDF_FORMATS))
        raise UsageError(f"--format must be one of {known} ({visible(value)!r} given)")
    return lowered


def choose_format(value: str | None, kind: str) -> str:
    """The format to write an answer of ``kind`` (select, ask or graph) in; a format that does not fit is refused."""
    chosen = check_format(value)
    allowed = GRAPH_FORMATS if kind == "graph" else RESULTS_FORMATS
    if chosen is None:
        return allowed[0]
    if chosen not in allowed:
        if kind == "graph":
            raise UsageError(
                f"--format {chosen} is for SELECT and ASK results; a CONSTRUCT or DESCRIBE query writes "
                + ", ".join(GRAPH_FORMATS)
            )
        raise UsageError(
            f"--format {chosen} writes RDF, which only CONSTRUCT and DESCRIBE make; a {kind.upper()} query writes "
            + ", ".join(RESULTS_FORMATS)
        )
    return chosen


def write_sparql(result: SparqlResult, fmt: str, out: IO[str]) -> None:
    """Write ``result`` to ``out`` as ``fmt`` (see :data:`RESULTS_FORMATS`, :data:`GRAPH_FORMATS`), row by row."""
    writer = _WRITERS.get(fmt)
    if writer is not None:
        writer(result, out)
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
    out.write("\n  }\n}\n")


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
        writer.writerow([visible(_csv_value(row[name])) if name in row else "" for name in names])


def _csv_value(term: Any) -> str:
    """A term as W3C SPARQL CSV writes it: an IRI or a literal's text as is, a blank node as ``_:label``."""
    return f"_:{term.value}" if isinstance(term, BlankNode) else str(term.value)


# ------------------------------------------------------------------ TSV
# What an IRIREF cannot hold raw (Turtle, SPARQL): written as \uXXXX, which the readers decode back.
_NOT_IN_IRI = re.compile(r'[\x00-\x20<>"{}|^`\\]')
_STRING_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}
_IN_STRING = re.compile('[\\\\"\n\r\t]')
_BNODE_LABEL = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]*(?<!\.)")


def _iri_ref(iri: str) -> str:
    return "<" + _NOT_IN_IRI.sub(lambda match: f"\\u{ord(match.group()):04X}", iri) + ">"


def _bnode_label(label: str) -> str:
    """A label Turtle can hold: the label, or ``x`` and its UTF-8 in hex (one-to-one: no label kept starts with x)."""
    if _BNODE_LABEL.fullmatch(label) and not label.startswith("x"):
        return label
    return "x" + label.encode("utf-8", "surrogatepass").hex()


def _tsv_term(term: Any) -> str:
    """One term as W3C SPARQL TSV writes it: in Turtle syntax."""
    if isinstance(term, IRI):
        return _iri_ref(term.value)
    if isinstance(term, BlankNode):
        return "_:" + _bnode_label(term.value)
    text = '"' + _IN_STRING.sub(lambda match: _STRING_ESCAPES[match.group()], term.value) + '"'
    if term.language:
        return text + "@" + ("-".join(re.findall("[A-Za-z0-9]+", term.language)) or "und")
    if term.datatype != XSD_STRING:
        return text + "^^" + _iri_ref(term.datatype)
    return text


def _write_tsv(result: SparqlResult, out: IO[str]) -> None:
    if result.kind == "ask":
        out.write("true\n" if result.boolean else "false\n")
        return
    names = result.variables
    out.write("\t".join(f"?{name}" for name in names) + "\n")
    for row in result.rows:
        out.write(rdf_text("\t".join(_tsv_term(row[name]) if name in row else "" for name in names)) + "\n")


# ------------------------------------------------------------------ XML
_XML_NAMESPACE = "http://www.w3.org/2005/sparql-results#"
_XML_ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "\r": "&#13;", "\n": "&#10;", "\t": "&#9;"}
_IN_XML_TEXT = re.compile("[&<>\r]")
_IN_XML_ATTRIBUTE = re.compile('[&<>"\r\n\t]')
# Characters XML holds but a reader's terminal or editor would act on: written as character references.
_XML_REFERENCED = re.compile("[\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def _xml(text: str, *, attribute: bool = False) -> str:
    """Text for XML content or a quoted attribute: markup escaped, controls XML can hold as character references,
    and what XML cannot hold at all (C0 controls other than tab and line breaks) made visible."""
    pattern = _IN_XML_ATTRIBUTE if attribute else _IN_XML_TEXT
    escaped = pattern.sub(lambda match: _XML_ESCAPES[match.group()], text)
    return xml_text(_XML_REFERENCED.sub(lambda match: f"&#x{ord(match.group()):X};", escaped))


def _xml_term(term: Any) -> str:
    if isinstance(term, IRI):
        return f"<uri>{_xml(term.value)}</uri>"
    if isinstance(term, BlankNode):
        return f"<bnode>{_xml(term.value)}</bnode>"
    if term.language:
        return f'<literal xml:lang="{_xml(term.language, attribute=True)}">{_xml(term.value)}</literal>'
    if term.datatype != XSD_STRING:
        return f'<literal datatype="{_xml(term.datatype, attribute=True)}">{_xml(term.value)}</literal>'
    return f"<literal>{_xml(term.value)}</literal>"


def _write_xml(result: SparqlResult, out: IO[str]) -> None:
    out.write(f'<?xml version="1.0" encoding="utf-8"?>\n<sparql xmlns="{_XML_NAMESPACE}">\n')
    if result.kind == "ask":
        out.write("  <head/>\n  <boolean>" + ("true" if result.boolean else "false") + "</boolean>\n</sparql>\n")
        return
    out.write("  <head>\n")
    for name in result.variables:
        out.write(f'    <variable name="{_xml(name, attribute=True)}"/>\n')
    out.write("  </head>\n  <results>\n")
    for row in result.rows:
        bindings = "".join(
            f'\n      <binding name="{_xml(name, attribute=True)}">{_xml_term(term)}</binding>'
            for name, term in row.items()
        )
        out.write(f"    <result>{bindings}\n    </result>\n" if bindings else "    <result/>\n")
    out.write("  </results>\n</sparql>\n")


# ------------------------------------------------------------------ JSON Lines
def _write_jsonl(result: SparqlResult, out: IO[str]) -> None:
    """One JSON object a line: a row's bindings as in the W3C JSON results, or ``{"boolean": ...}`` for ASK."""
    from sco_graph.results import term_json

    if result.kind == "ask":
        out.write(json.dumps({"boolean": bool(result.boolean)}) + "\n")
        return
    for row in result.rows:
        line = json.dumps({name: term_json(term) for name, term in row.items()}, ensure_ascii=False)
        out.write(json_text(line) + "\n")


# ------------------------------------------------------------------ RDF
_RDF_NAMES = {"turtle": "TURTLE", "ntriples": "N_TRIPLES", "jsonld": "JSON_LD"}


class _TextSink:
    """A binary writer for pyoxigraph's serialiser that decodes what it gets and passes it on, made safe, as text."""

    def __init__(self, out: IO[str], safe: Any) -> None:
        import codecs

        self._out = out
        self._safe = safe
        self._decoder = codecs.getincrementaldecoder("utf-8")()

    def write(self, data: bytes) -> int:
        self._out.write(self._safe(self._decoder.decode(bytes(data))))
        return len(data)

    def flush(self) -> None:
        """Nothing to do: text is passed on as it comes (a character split between writes waits for its end)."""

    def finish(self) -> None:
        """Pass on what is left; bytes that never made a whole character are an error."""
        self._out.write(self._safe(self._decoder.decode(b"", final=True)))


def _write_rdf(result: SparqlResult, fmt: str, out: IO[str]) -> None:
    """Serialise a CONSTRUCT or DESCRIBE answer with pyoxigraph, triple by triple as the rows arrive."""
    import pyoxigraph as ox

    from sco_graph.model import PREFIXES

    def node(term: Any) -> Any:
        if isinstance(term, IRI):
            return ox.NamedNode(term.value)
        if isinstance(term, BlankNode):
            return ox.BlankNode(_bnode_label(term.value))
        if term.language:
            return ox.Literal(term.value, language=term.language)
        return ox.Literal(term.value, datatype=ox.NamedNode(term.datatype))

    triples = (ox.Triple(node(row["subject"]), node(row["predicate"]), node(row["object"])) for row in result.rows)
    sink = _TextSink(out, json_text if fmt == "jsonld" else rdf_text)
    prefixes = PREFIXES if fmt == "turtle" else None
    ox.serialize(triples, cast("IO[bytes]", sink), getattr(ox.RdfFormat, _RDF_NAMES[fmt]), prefixes=prefixes)
    sink.finish()


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


_WRITERS: dict[str, Any] = {
    "json": _write_json,
    "csv": _write_csv,
    "tsv": _write_tsv,
    "xml": _write_xml,
    "jsonl": _write_jsonl,
    **{name: lambda result, out, name=name: _write_rdf(result, name, out) for name in RDF_FORMATS},
}
