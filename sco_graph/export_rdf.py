"""The whole RDF graph as canonical N-Triples, Turtle or JSON-LD, streamed in bounded memory.

Canonical N-Triples is what every RDF export is made from: one triple a line as
pyoxigraph writes N-Triples, raw control characters written as ``\\uXXXX``
escapes (valid RDF, which a terminal would otherwise run), blank nodes named by a
hash of what they say and who points at them (``_:b`` and 20 hex digits), and the
lines in byte order. So the same data gives the same bytes, however it was loaded
and whatever labels the store gave its blank nodes. Turtle and JSON-LD are that
sequence of triples: Turtle written by pyoxigraph with the project's prefixes,
JSON-LD compacted here (:func:`write_jsonld`) with an ``@context`` of them.

Memory is bounded by the blank nodes, not by the triples: the store writes
N-Triples to a work file (in Rust, with no Python object per triple), lines are
sorted in runs on disk and merged, and only the blank nodes' descriptions are
held while their labels are computed. Results are kept beside a compiled store
(:mod:`sco_graph.export_cache`), so exporting the same data again is a file copy.
"""

from __future__ import annotations

import hashlib
import heapq
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, TypeAlias, cast

from sco_graph.errors import StorageError
from sco_graph.escape import json_text, rdf_text
from sco_graph.export_cache import HEADER_SIZE, copy_body, keep, kept_folder, open_kept, workspace, write_kept
from sco_graph.model import PREFIXES, XSD

if TYPE_CHECKING:
    import pyoxigraph as ox

    from sco_graph.export_files import Sink
    from sco_graph.graph import Graph
    from sco_graph.terms import Term

RDF_FORMATS = ("turtle", "ntriples", "jsonld")
BLANK = b"_:"
_ASCII_UNSAFE = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # the ASCII among the characters escaped
_TYPED_STRING = f"^^<{XSD}string>".encode()  # how a plain string literal is spelt in a blank node's description
RUN_BYTES = 24 << 20  # lines sorted in memory at a time; more are sorted in runs on disk and merged
CHUNK = 4 << 20  # bytes of the dump read (and escaped) at a time
LINES_AT_ONCE = 10_000  # sorted lines written at a time


def write_rdf(graph: Graph, fmt: str, sink: Sink) -> None:
    """Stream the whole graph in ``fmt`` into ``sink``: a kept export is copied, else it is made (and kept).

    It is made whole before the first byte reaches ``sink``. When the cache's disk is full
    or read-only, it is made in a temporary folder instead and not kept.
    """
    from sco_graph.errors import warn
    from sco_graph.load import storage_failure

    folder = kept_folder(graph.cache_entry)
    kept = open_kept(folder / fmt, fmt) if folder is not None else None
    if kept is not None:
        with kept:
            copy_body(kept, sink)
        return
    for place in [folder, None] if folder is not None else [None]:
        with workspace(place) as work:
            try:
                made = _make(graph, fmt, place, work)
            except OSError as error:
                if place is not None and storage_failure(error):
                    warn(f"cannot keep the export beside the compiled store ({error.strerror or error})")
                    continue
                raise StorageError(f"cannot export the graph ({error.strerror or error})") from None
            with made.open("rb") as source:
                source.seek(HEADER_SIZE)
                copy_body(source, sink)
            return


def _make(graph: Graph, fmt: str, folder: Path | None, work: Path) -> Path:
    """Make the export in ``fmt`` (and the canonical N-Triples it comes from), keeping both when possible."""
    base = open_kept(folder / "ntriples", "ntriples") if folder is not None and fmt != "ntriples" else None
    if base is None:
        built = work / "ntriples.export"
        write_kept(built, "ntriples", lambda sink: write_canonical(graph, work, sink))
        canonical = keep(built, folder, "ntriples")
        if fmt == "ntriples":
            return canonical
        base = canonical.open("rb")
        base.seek(HEADER_SIZE)
    source = base
    with source:
        built = work / f"{fmt}.export"
        write_kept(built, fmt, lambda sink: convert(source, fmt, sink))
    return keep(built, folder, fmt)


# ------------------------------------------------------------------ canonical N-Triples
def write_canonical(graph: Graph, work: Path, sink: Sink) -> None:
    """Write the graph's canonical N-Triples into ``sink``; ``work`` is a folder for work files."""
    from sco_graph.progress import task

    dumped, aside = work / "dump.nt", work / "blank.nt"
    with task("Reading the graph"):
        _dump(graph, dumped)
    blanks, lines = BlankNodes(), SortedLines(work)
    with task("Ordering triples", total=dumped.stat().st_size) as advance, aside.open("wb") as blank_lines:
        for chunk in _escaped_lines(dumped, advance):
            # Lines that may name a blank node (or merely hold "_:" in a literal) are set aside to be relabelled.
            named = [line for line in chunk if b"_:" in line]
            for line in named:
                blanks.note(line)
            blank_lines.writelines(named)
            lines.extend([line for line in chunk if b"_:" not in line] if named else chunk)
    dumped.unlink()
    labels = blanks.labels()
    with aside.open("rb") as blank_lines:
        for block in iter(lambda: blank_lines.readlines(CHUNK), []):
            lines.extend([_relabelled(line, labels) for line in block])
    aside.unlink()
    with task("Writing the export"):
        lines.write(sink)


def _relabelled(line: bytes, labels: dict[bytes, bytes]) -> bytes:
    subject, predicate, rest = line.split(b" ", 2)
    obj = rest[:-3]  # without " .\n"
    return b"%s %s %s .\n" % (labels.get(subject, subject), predicate, labels.get(obj, obj))


def _dump(graph: Graph, target: Path) -> None:
    """Every triple of the graph as N-Triples in ``target``, in any order and with the store's blank labels."""
    import pyoxigraph as ox

    from sco_graph.store import LocalStore

    if isinstance(graph.store, LocalStore):
        graph.store.oxigraph.dump(str(target), ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())
        return
    rows = graph.store.select("SELECT ?s ?p ?o WHERE { ?s ?p ?o }")  # an endpoint: its answer, through pyoxigraph
    blank_nodes: dict[str, ox.BlankNode] = {}

    def resource(term: Term) -> ox.NamedNode | ox.BlankNode:
        from sco_graph.terms import BlankNode

        if isinstance(term, BlankNode):  # an endpoint's labels need not be valid N-Triples labels
            return blank_nodes.setdefault(term.value, ox.BlankNode())
        return ox.NamedNode(term.value)

    def value(term: Term) -> ox.NamedNode | ox.BlankNode | ox.Literal:
        from sco_graph.terms import Literal

        if not isinstance(term, Literal):
            return resource(term)
        if term.language:
            return ox.Literal(term.value, language=term.language)
        return ox.Literal(term.value, datatype=ox.NamedNode(term.datatype))

    triples = (ox.Triple(resource(row["s"]), ox.NamedNode(row["p"].value), value(row["o"])) for row in rows)
    ox.serialize(triples, str(target), ox.RdfFormat.N_TRIPLES)


def _escaped_lines(path: Path, advance: Callable[[int], None]) -> Iterator[list[bytes]]:
    """The lines of an N-Triples file, a chunk at a time, raw control characters written as escapes."""
    carry = b""
    with path.open("rb") as stream:
        while block := stream.read(CHUNK):
            advance(len(block))
            block = carry + block
            cut = block.rfind(b"\n") + 1
            carry = block[cut:]
            yield escaped(block[:cut], rdf_text).splitlines(keepends=True)
    if carry:  # a last line without its line break: never written by pyoxigraph
        yield [escaped(carry, rdf_text) + b"\n"]


def escaped(data: bytes, escape: Callable[[str], str]) -> bytes:
    """UTF-8 ``data`` through ``escape`` (:func:`rdf_text` or :func:`json_text`); unchanged bytes are not re-encoded."""
    if data.isascii() and not _ASCII_UNSAFE.search(data):
        return data  # the common case, found at memory speed
    text = data.decode("utf-8", errors="surrogateescape")
    done = escape(text)
    return data if len(done) == len(text) else done.encode("utf-8", errors="surrogateescape")


class BlankNodes:
    """What each blank node says and who points at it: the text its label is a hash of.

    A node's description is its incoming ``subject predicate`` and outgoing
    ``predicate object`` pairs, sorted, with another blank node written ``_``. Nodes
    whose descriptions are equal are told apart by their blank neighbours' labels,
    round after round (colour refinement); nodes that stay equal are
    interchangeable, so whichever gets which label, the export is the same.
    """

    def __init__(self) -> None:
        self._said: dict[bytes, bytes] = {}  # node: "i" or "o" and one pair, a line each
        self._links: list[tuple[bytes, bytes, bytes]] = []  # triples between two blank nodes

    def note(self, line: bytes) -> None:
        """Take in one N-Triples line; one with no blank node at either end adds nothing."""
        subject, predicate, rest = line.split(b" ", 2)
        obj, name = rest[:-3], predicate[1:-1]
        subject_blank, object_blank = subject.startswith(BLANK), obj.startswith(BLANK)  # else "_:" in a literal
        if subject_blank:
            shown = b"_" if object_blank else obj + _TYPED_STRING if obj.endswith(b'"') else obj
            self._said[subject] = self._said.get(subject, b"") + b"o" + name + b" " + shown + b"\n"
        if object_blank:
            owner = b"_" if subject_blank else subject
            self._said[obj] = self._said.get(obj, b"") + b"i" + owner + b" " + name + b"\n"
        if subject_blank and object_blank:
            self._links.append((subject, name, obj))

    def labels(self) -> dict[bytes, bytes]:
        """Each blank node's stable label (``_:b`` and 20 hex digits, ``x2``, ``x3``... for look-alikes)."""
        digests: dict[bytes, str] = {}
        while self._said:
            node, said = self._said.popitem()
            incoming: list[bytes] = []
            outgoing: list[bytes] = []
            for pair in said.splitlines():
                (incoming if pair[:1] == b"i" else outgoing).append(pair[1:])
            text = b"\n".join([*sorted(incoming), b"|", *sorted(outgoing)])
            digests[node] = hashlib.sha256(text).hexdigest()[:20]
        refined = self._refined(digests)
        labels: dict[bytes, bytes] = {}
        seen: dict[str, int] = defaultdict(int)
        for digest, _, node in sorted((digest, refined.get(node, ""), node) for node, digest in digests.items()):
            seen[digest] += 1
            suffix = f"x{seen[digest]}" if seen[digest] > 1 else ""
            labels[node] = f"_:b{digest}{suffix}".encode()
        return labels

    def _refined(self, digests: dict[bytes, str]) -> dict[bytes, str]:
        """Keys that tell apart nodes of equal digests by their blank neighbours, refined until stable."""
        counts: dict[str, int] = defaultdict(int)
        for digest in digests.values():
            counts[digest] += 1
        tied = {node for node, digest in digests.items() if counts[digest] > 1}
        neighbours: dict[bytes, list[tuple[bytes, bytes, bytes]]] = defaultdict(list)
        for subject, name, obj in self._links:
            if subject in tied:
                neighbours[subject].append((b"o", name, obj))
            if obj in tied:
                neighbours[obj].append((b"i", name, subject))
        keys = dict(digests)
        kinds = len({keys[node] for node in tied})
        while neighbours:
            keys = {**keys, **{node: _key(keys[node], around, keys) for node, around in neighbours.items()}}
            now = len({keys[node] for node in tied})
            if now == kinds:
                break
            kinds = now
        return {node: keys[node] for node in tied}


def _key(own: str, around: list[tuple[bytes, bytes, bytes]], keys: dict[bytes, str]) -> str:
    text = "\n".join([own, *sorted(f"{way.decode()} {name.decode()} {keys[other]}" for way, name, other in around)])
    return hashlib.sha256(text.encode()).hexdigest()


class SortedLines:
    """Lines sorted in bounded memory: sorted runs spill to files in ``folder``, merged at the end."""

    def __init__(self, folder: Path) -> None:
        self._folder = folder
        self._lines: list[bytes] = []
        self._size = 0
        self._runs: list[Path] = []

    def extend(self, lines: list[bytes]) -> None:
        self._lines.extend(lines)
        self._size += sum(map(len, lines))
        if self._size >= RUN_BYTES:
            self._spill()

    def _spill(self) -> None:
        self._lines.sort()
        run = self._folder / f"run-{len(self._runs)}"
        with run.open("wb") as stream:
            stream.writelines(self._lines)
        self._runs.append(run)
        self._lines, self._size = [], 0

    def write(self, sink: Sink) -> None:
        """Every line, in byte order, into ``sink``."""
        if not self._runs:
            self._lines.sort()
            _write_batched(sink, self._lines)
            return
        if self._lines:
            self._spill()
        with ExitStack() as stack:
            runs = [stack.enter_context(run.open("rb")) for run in self._runs]
            _write_batched(sink, heapq.merge(*runs))


def _write_batched(sink: Sink, lines: Iterable[bytes]) -> None:
    lines = iter(lines)
    while batch := list(islice(lines, LINES_AT_ONCE)):
        sink.write(b"".join(batch))


# ------------------------------------------------------------------ Turtle and JSON-LD
def convert(source: BinaryIO, fmt: str, sink: Sink) -> None:
    """Write the canonical N-Triples read from ``source`` in ``fmt``, with the project's prefixes."""
    import pyoxigraph as ox

    if fmt == "jsonld":
        write_jsonld(source, sink)
        return

    formats = {"turtle": ox.RdfFormat.TURTLE, "ntriples": ox.RdfFormat.N_TRIPLES, "jsonld": ox.RdfFormat.JSON_LD}
    # Raw control characters in literals are valid RDF but run on a terminal: write them as \uXXXX escapes,
    # which Turtle, N-Triples and JSON read back as the same characters.
    escaping = Escaping(sink, json_text if fmt == "jsonld" else rdf_text)
    triples = ox.parse(source, format=ox.RdfFormat.N_TRIPLES)
    prefixes = PREFIXES if fmt != "ntriples" else None
    ox.serialize(triples, cast("BinaryIO", escaping), formats[fmt], prefixes=prefixes)
    escaping.close()


class Escaping:
    """A stream that rewrites what ``escape`` rewrites on the way to ``sink``, whole characters at a time."""

    def __init__(self, sink: Sink, escape: Callable[[str], str]) -> None:
        self._sink = sink
        self._escape = escape
        self._carry = b""

    def write(self, data: bytes) -> int:
        whole = self._carry + bytes(data)
        cut = _whole_characters(whole)
        self._carry = whole[cut:]
        if cut:
            self._sink.write(escaped(whole[:cut], self._escape))
        return len(data)

    def flush(self) -> None:
        pass  # the stream underneath is flushed by whoever owns it

    def close(self) -> None:
        if self._carry:
            self._sink.write(escaped(self._carry, self._escape))
            self._carry = b""


def _whole_characters(data: bytes) -> int:
    """How much of UTF-8 ``data`` is whole characters: a character cut at the end waits for its rest."""
    end = len(data)
    for back in range(1, min(4, end) + 1):
        byte = data[end - back]
        if byte < 0x80:
            return end
        if byte >= 0xC0:  # the first byte of the last character
            length = 2 if byte < 0xE0 else 3 if byte < 0xF0 else 4
            return end if back >= length else end - back
    return end


# ------------------------------------------------------------------ compacted JSON-LD
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
XSD_STRING = f"{XSD}string"
LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


def jsonld_prefixes(source: BinaryIO) -> dict[str, str]:
    """The project's prefixes that may stand in the ``@context`` for the N-Triples in ``source`` (read to its end).

    A prefix is left out when an IRI in the data has its name as its scheme
    (``<e:x>``): a JSON-LD reader would take such an IRI for a compact one.
    """
    names = "|".join(re.escape(name) for name in PREFIXES)
    pattern = re.compile(rf"<({names}):".encode())
    clashing: set[bytes] = set()
    carry = b""
    while block := source.read(CHUNK):
        block = carry + block
        clashing.update(pattern.findall(block))
        carry = block[-64:]
    return {name: iri for name, iri in PREFIXES.items() if name.encode() not in clashing}


class Compactor:
    """IRIs written as compact IRIs (``sco:Person``) where a prefix covers them, else in full."""

    def __init__(self, prefixes: dict[str, str]) -> None:
        self._longest_first = sorted(prefixes.items(), key=lambda item: (-len(item[1]), item[0]))

    def __call__(self, iri: str) -> str:
        for name, namespace in self._longest_first:
            rest = iri[len(namespace) :]
            if iri.startswith(namespace) and rest and not rest.startswith("//"):
                return f"{name}:{rest}"
        return iri


def _reference(term: ox.NamedNode | ox.BlankNode, compact: Compactor) -> str:
    """An IRI compacted, or a blank node as ``_:label``."""
    import pyoxigraph as ox

    return f"_:{term.value}" if isinstance(term, ox.BlankNode) else compact(term.value)


Object: TypeAlias = "ox.NamedNode | ox.BlankNode | ox.Literal"


def _object(term: Object, compact: Compactor) -> object:
    """An object in compacted JSON-LD: a plain string for an ``xsd:string``, else a value or node object."""
    import pyoxigraph as ox

    if not isinstance(term, ox.Literal):
        return {"@id": _reference(term, compact)}
    datatype = term.datatype.value
    if datatype == XSD_STRING:
        return term.value
    if term.language:
        shown: dict[str, str] = {"@value": term.value, "@language": term.language}
        direction = getattr(term, "direction", None)
        if direction:
            shown["@direction"] = str(direction)
        return shown
    if datatype == LANG_STRING:  # a direction without a language cannot be written in JSON-LD; keep the text
        return {"@value": term.value}
    return {"@value": term.value, "@type": compact(datatype)}


def _node(subject: ox.NamedNode | ox.BlankNode, triples: Iterable[ox.Triple], compact: Compactor) -> dict[str, object]:
    """One node object: its ``@id``, its types, then each predicate's objects (one bare, more in an array)."""
    import pyoxigraph as ox

    by_predicate: dict[str, list[Object]] = {}
    for triple in triples:
        by_predicate.setdefault(triple.predicate.value, []).append(triple.object)  # type: ignore[arg-type]
    node: dict[str, object] = {"@id": _reference(subject, compact)}
    types = by_predicate.get(RDF_TYPE, [])
    if types and not any(isinstance(term, ox.Literal) for term in types):
        del by_predicate[RDF_TYPE]
        shown = [_reference(term, compact) for term in types]  # type: ignore[arg-type]
        node["@type"] = shown[0] if len(shown) == 1 else shown
    for predicate, objects in by_predicate.items():
        values = [_object(term, compact) for term in objects]
        node[compact(predicate)] = values[0] if len(values) == 1 else values
    return node


def write_jsonld(source: BinaryIO, sink: Sink) -> None:
    """Canonical N-Triples from ``source`` (seekable) as compacted JSON-LD: a ``@context`` and a flat ``@graph``.

    The triples come sorted, so each subject's are together: one node object a
    line, written as it is read. Literals keep their exact lexical form
    (``{"@value": "2018-06-09", "@type": "xsd:date"}``), never a JSON number.
    """
    import json
    from itertools import groupby

    import pyoxigraph as ox

    start = source.tell()
    prefixes = jsonld_prefixes(source)
    source.seek(start)
    compact = Compactor(prefixes)
    out = Escaping(sink, json_text)

    def line(value: object) -> bytes:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")

    out.write(b'{"@context":' + line(prefixes) + b',"@graph":[')
    separator = b"\n"
    for subject, triples in groupby(ox.parse(source, format=ox.RdfFormat.N_TRIPLES), key=lambda t: t.subject):
        out.write(separator + line(_node(subject, triples, compact)))
        separator = b",\n"
    out.write(b"\n]}\n")
    out.close()
