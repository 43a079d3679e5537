"""Exports: the whole RDF graph (Turtle, N-Triples, JSON-LD) or the entity graph
(GraphML, GEXF, CSV, DOT), deterministic to the byte, written atomically.

A file is written to a temporary sibling and renamed into place, so a failed or
interrupted export leaves no partial file and never replaces a good one; an
existing file is only replaced with ``force``. Files get the user's umask.
"""

from __future__ import annotations

import contextlib
import csv
import errno
import hashlib
import io
import os
import re
import tempfile
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from sco_graph.dates import PartialDate
from sco_graph.errors import StorageError, UsageError
from sco_graph.escape import json_text, rdf_text, visible, xml_text
from sco_graph.graph import Graph
from sco_graph.mirror import OPEN
from sco_graph.model import PREFIXES
from sco_graph.results import HEADLINE_MARK
from sco_graph.terms import IRI, BlankNode, Literal, Term

if TYPE_CHECKING:
    import networkx as nx
    import pyoxigraph

RDF_FORMATS = ("turtle", "ntriples", "jsonld")
GRAPH_FORMATS = ("graphml", "gexf", "csv", "dot")
FORMATS = RDF_FORMATS + GRAPH_FORMATS
SUFFIXES = {
    ".ttl": "turtle",
    ".nt": "ntriples",
    ".jsonld": "jsonld",
    ".graphml": "graphml",
    ".gexf": "gexf",
    ".csv": "csv",
    ".dot": "dot",
    ".gv": "dot",
}


def format_for(fmt: str | None, output: Path | None) -> str:
    """The export format: as given, or guessed from the output file's ending."""
    if fmt is None:
        if output is None:
            return "turtle"
        guessed = SUFFIXES.get(output.suffix.lower())
        if guessed is None:
            raise UsageError(f"cannot tell the format from {output.name!r}; give --format ({', '.join(FORMATS)})")
        return guessed
    lowered = fmt.lower()
    if lowered not in FORMATS:
        raise UsageError(f"--format must be one of {', '.join(FORMATS)} ({fmt!r} given)")
    return lowered


def export(graph: Graph, fmt: str) -> dict[str, bytes]:
    """Serialise the graph; returns file-name suffixes to contents ("" is the main output)."""
    if fmt in RDF_FORMATS:
        return {"": rdf_bytes(graph, fmt)}
    from sco_graph.mirror import entity_graph

    network = entity_graph(graph)
    writers: dict[str, Callable[[nx.MultiDiGraph[str]], dict[str, bytes]]] = {
        "graphml": _graphml,
        "gexf": _gexf,
        "csv": _csv,
        "dot": _dot,
    }
    return writers[fmt](network)


# ------------------------------------------------------------------ RDF
def _triples(graph: Graph) -> list[tuple[Term, Term, Term]]:
    rows = graph.store.select("SELECT ?s ?p ?o WHERE { ?s ?p ?o }")
    return [(row["s"], row["p"], row["o"]) for row in rows]


def _stable_blank_labels(triples: list[tuple[Term, Term, Term]]) -> dict[str, str]:
    """Name blank nodes by a hash of what they say and who points at them, so output is stable."""
    outgoing: dict[str, list[str]] = defaultdict(list)
    incoming: dict[str, list[str]] = defaultdict(list)
    for subject, predicate, obj in triples:
        if isinstance(subject, BlankNode):
            shown = obj.n3() if not isinstance(obj, BlankNode) else "_"
            outgoing[subject.value].append(f"{predicate.value} {shown}")
        if isinstance(obj, BlankNode):
            owner = subject.n3() if not isinstance(subject, BlankNode) else "_"
            incoming[obj.value].append(f"{owner} {predicate.value}")
    keyed = []
    for node in set(outgoing) | set(incoming):
        text = "\n".join([*sorted(incoming[node]), "|", *sorted(outgoing[node])])
        keyed.append((hashlib.sha256(text.encode()).hexdigest()[:20], node))
    labels: dict[str, str] = {}
    seen: dict[str, int] = defaultdict(int)
    for digest, node in sorted(keyed):
        seen[digest] += 1
        labels[node] = f"b{digest}" + (f"x{seen[digest]}" if seen[digest] > 1 else "")
    return labels


def _resource(term: Term, labels: dict[str, str]) -> pyoxigraph.NamedNode | pyoxigraph.BlankNode:
    import pyoxigraph as ox

    if isinstance(term, IRI):
        return ox.NamedNode(term.value)
    if isinstance(term, BlankNode):
        return ox.BlankNode(labels[term.value])
    raise ValueError(f"a literal cannot be a subject: {term.n3()}")


def _oxigraph_term(
    term: Term, labels: dict[str, str]
) -> pyoxigraph.NamedNode | pyoxigraph.BlankNode | pyoxigraph.Literal:
    import pyoxigraph as ox

    if not isinstance(term, Literal):
        return _resource(term, labels)
    if term.language:
        return ox.Literal(term.value, language=term.language)
    return ox.Literal(term.value, datatype=ox.NamedNode(term.datatype))


def rdf_bytes(graph: Graph, fmt: str) -> bytes:
    """The whole graph as Turtle, N-Triples or JSON-LD, with the project's prefixes."""
    import pyoxigraph as ox

    from sco_graph.progress import task

    with task("Reading the graph"):
        triples = _triples(graph)
    with task("Ordering triples", total=len(triples)) as advance:
        labels = _stable_blank_labels(triples)
        keyed = []
        for s, p, o in triples:
            keyed.append(
                (s.n3() if isinstance(s, IRI) else f"_:{labels[s.value]}", p.value, _sort_text(o, labels), s, p, o)
            )
            if len(keyed) % 10_000 == 0:
                advance(10_000)
        keyed.sort(key=lambda item: item[:3])
    rdf_format = {"turtle": ox.RdfFormat.TURTLE, "ntriples": ox.RdfFormat.N_TRIPLES, "jsonld": ox.RdfFormat.JSON_LD}
    prefixes = PREFIXES if fmt != "ntriples" else None
    with task(f"Writing {fmt}"):
        converted = [
            ox.Triple(_resource(s, labels), ox.NamedNode(p.value), _oxigraph_term(o, labels)) for *_, s, p, o in keyed
        ]
        data = ox.serialize(converted, format=rdf_format[fmt], prefixes=prefixes)
    assert data is not None
    # Raw control characters in literals are valid RDF but run on a terminal: write them as \uXXXX escapes,
    # which Turtle, N-Triples and JSON read back as the same characters.
    safe = json_text if fmt == "jsonld" else rdf_text
    return safe(data.decode("utf-8")).encode("utf-8")


def _sort_text(term: Term, labels: dict[str, str]) -> str:
    return f"_:{labels[term.value]}" if isinstance(term, BlankNode) else term.n3()


# ------------------------------------------------------------------ entity graph
def _xml_safe(network: nx.MultiDiGraph[str]) -> nx.MultiDiGraph[str]:
    """A copy whose texts XML can hold: control characters (invalid in XML 1.0) are shown escaped."""
    import networkx as nx

    def clean(data: dict[str, object]) -> dict[str, object]:
        return {key: xml_text(value) if isinstance(value, str) else value for key, value in data.items()}

    safe: nx.MultiDiGraph[str] = nx.MultiDiGraph(**clean(dict(network.graph)))
    for node, data in network.nodes(data=True):
        safe.add_node(xml_text(node), **clean(data))
    for source, target, key, data in network.edges(keys=True, data=True):
        safe.add_edge(xml_text(source), xml_text(target), key=key, **clean(data))
    return safe


def _graphml(network: nx.MultiDiGraph[str]) -> dict[str, bytes]:
    import networkx as nx

    buffer = io.BytesIO()
    nx.write_graphml(_xml_safe(network), buffer, encoding="utf-8", prettyprint=True, named_key_ids=True)
    return {"": buffer.getvalue()}


def _spell(edtf: str) -> tuple[str | None, str | None]:
    """The GEXF time bounds (ISO days) of an EDTF date: every day it may cover; None where it is open.

    A month or a year is widened to its first day at the start and its last day at the end.
    """
    if not edtf:
        return None, None
    first, _, last = edtf.partition("/")
    last = last or first  # a single date covers its own days
    start = PartialDate.parse(first).earliest().isoformat() if first != OPEN else None
    end = PartialDate.parse(last).latest().isoformat() if last != OPEN else None
    return start, end


def _on_timeline(network: nx.MultiDiGraph[str]) -> nx.MultiDiGraph[str]:
    """The network with each edge's ``start`` and ``end`` as GEXF time bounds drawn from its ``date``.

    Attestation days never bound an edge's time, and an edge without a date has none.
    The EDTF ``date`` and ``attested`` stay as attributes.
    """
    for _, _, data in network.edges(data=True):
        del data["start"], data["end"]
        start, end = _spell(str(data["date"]))
        if start is not None:
            data["start"] = start
        if end is not None:
            data["end"] = end
    return network


def _gexf(network: nx.MultiDiGraph[str]) -> dict[str, bytes]:
    import networkx as nx

    buffer = io.BytesIO()
    nx.write_gexf(_on_timeline(_xml_safe(network)), buffer, encoding="utf-8", prettyprint=True, version="1.3")
    text = buffer.getvalue()
    # The writer stamps today's date and its own version (the export states the data only), misspells the
    # XML Schema instance namespace, and gives the graph a name attribute GEXF 1.3 does not have.
    text = re.sub(rb"<meta [^>]*>.*?</meta>", b"<meta>\n    <creator>sco-graph</creator>\n  </meta>", text, flags=re.S)
    text = text.replace(b'xmlns:xsi="http://w3.org/2001/', b'xmlns:xsi="http://www.w3.org/2001/', 1)
    text = re.sub(rb'(<graph [^>]*?) name="[^"]*"', rb"\1", text, count=1)
    return {"": text}


def _csv_text(header: list[str], rows: list[list[str]]) -> bytes:
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(header)
    writer.writerows([visible(cell) for cell in row] for row in rows)
    return text.getvalue().encode("utf-8")


EDGE_COLUMNS = ["source", "source_label", "target", "target_label", "relation", "date", "start", "end", "attested",
                "node", "detail", "sources", "seed_files", "headline_only"]  # fmt: skip


def _csv(network: nx.MultiDiGraph[str]) -> dict[str, bytes]:
    """Edges (the main file) and nodes (``.nodes.csv`` beside it), ready for pandas."""
    nodes = [[iri, str(data["label"]), str(data["type"])] for iri, data in network.nodes(data=True)]
    edges = []
    for source, target, data in network.edges(data=True):
        edges.append([
            source, str(network.nodes[source]["label"]), target, str(network.nodes[target]["label"]),
            str(data["relation"]), str(data["date"]), str(data["start"]), str(data["end"]), str(data["attested"]),
            str(data["node"]), str(data["detail"]), str(data["source"]), str(data["seed_files"]),
            "true" if data["headline_only"] else "false",
        ])  # fmt: skip
    return {"": _csv_text(EDGE_COLUMNS, edges), ".nodes": _csv_text(["iri", "label", "type"], nodes)}


def _dot_quote(text: str) -> str:
    return '"' + visible(text).replace("\\", "\\\\").replace('"', '\\"') + '"'


DOT_TIMES = ("date", "start", "end", "attested")  # edge attributes a DOT edge carries when they are known


def _dot(network: nx.MultiDiGraph[str]) -> dict[str, bytes]:
    lines = ["digraph sco_graph {", "  node [shape=box, style=rounded];"]
    for iri, data in network.nodes(data=True):
        lines.append(
            f"  {_dot_quote(iri)} [label={_dot_quote(str(data['label']))}, type={_dot_quote(str(data['type']))}];"
        )
    for source, target, data in network.edges(data=True):
        label = f"{data['relation']} {data['date']}".strip()
        if data["headline_only"]:
            label += f" {HEADLINE_MARK}"
        times = "".join(f", {name}={_dot_quote(str(data[name]))}" for name in DOT_TIMES if data[name])
        times += ', headline_only="true"' if data["headline_only"] else ""
        direction = ", dir=none" if data["symmetric"] else ""
        lines.append(
            f"  {_dot_quote(source)} -> {_dot_quote(target)} [label={_dot_quote(label)}{times}, "
            f"source={_dot_quote(str(data['source']))}{direction}];"
        )
    lines.append("}")
    return {"": ("\n".join(lines) + "\n").encode("utf-8")}


# ------------------------------------------------------------------ writing
def output_paths(output: Path, parts: dict[str, bytes]) -> dict[Path, bytes]:
    """Where each part goes: the main part at ``output``, others beside it (``name.nodes.csv``)."""
    placed = {}
    for suffix, data in parts.items():
        placed[output if not suffix else output.with_name(f"{output.stem}{suffix}{output.suffix}")] = data
    return placed


def planned_paths(output: Path, fmt: str) -> list[Path]:
    """The files an export to ``output`` in ``fmt`` will write, known before any work is done."""
    return list(output_paths(output, {"": b"", ".nodes": b""} if fmt == "csv" else {"": b""}))


def _kind(path: Path) -> str:
    """What is at ``path``: "missing", "file", or the name of something sco-graph never replaces."""
    import stat

    try:
        mode = path.stat().st_mode  # follows a symbolic link: its target is what would be written over
    except FileNotFoundError:
        return "missing" if not path.is_symlink() else "a dangling symbolic link"
    except OSError as error:
        raise UsageError(f"cannot use {path} as the output: {error.strerror or error}") from None
    if stat.S_ISREG(mode):
        return "file"
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a regular file"


def check_target(path: Path, force: bool = False) -> None:
    """Refuse, before any work, an output that exists (without ``force``) or is not a regular file."""
    kind = _kind(path)
    if kind == "file" and not force:
        raise UsageError(f"{path} exists; use --force to overwrite it")
    if kind not in ("missing", "file"):
        raise UsageError(f"{path} is {kind}; sco-graph writes only regular files (give a file name)")
    try:
        is_folder = path.parent.is_dir()
    except OSError as error:
        raise UsageError(f"cannot use {path} as the output: {error.strerror or error}") from None
    if not is_folder:
        raise StorageError(f"{path.parent}: no such folder")


def _publish(temporary: Path, path: Path, force: bool) -> bool:
    """Move ``temporary`` to ``path``; without ``force`` never over a file that appeared meanwhile.

    Returns whether ``path`` is a file this call created (so a later failure may remove it).
    """
    if force:
        check_target(path, force=True)  # it may have turned into a folder or a pipe while we worked
        temporary.replace(path)
        return False
    try:
        os.link(temporary, path)  # atomic, and fails if anything is there: no window to clobber a new file
    except FileExistsError:
        raise UsageError(f"{path} appeared while the output was being written; it was left alone") from None
    except OSError as error:
        if error.errno not in (errno.EPERM, errno.EOPNOTSUPP, errno.EMLINK, errno.EXDEV):
            raise
        _copy_exclusive(temporary, path)  # a file system without hard links
    return True


def _copy_exclusive(temporary: Path, path: Path) -> None:
    try:
        handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    except FileExistsError:
        raise UsageError(f"{path} appeared while the output was being written; it was left alone") from None
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(temporary.read_bytes())
            stream.flush()
            os.fsync(stream.fileno())
    except BaseException:
        path.unlink(missing_ok=True)
        raise


def write_atomic(files: dict[Path, bytes], force: bool = False) -> None:
    """Write every file through a temporary sibling and a rename; refuse to overwrite without ``force``.

    Only regular files are ever written or replaced. Without ``force``, a file
    that appears while the data is being written is not overwritten. On any
    failure or signal the temporaries are removed, and so is any output file
    this call had already created.
    """
    for path in files:
        check_target(path, force)
    mask = os.umask(0)
    os.umask(mask)
    temporaries: list[tuple[Path, Path]] = []
    created: list[Path] = []
    current = next(iter(files))
    done = False
    try:
        for current, data in files.items():
            handle, name = tempfile.mkstemp(dir=current.parent, prefix=f".{current.name[:200]}.", suffix=".tmp")
            temporaries.append((Path(name), current))
            with os.fdopen(handle, "wb") as stream:
                stream.write(data)
                stream.flush()
                os.fsync(stream.fileno())
            Path(name).chmod(0o666 & ~mask)
        for temporary, current in temporaries:
            if _publish(temporary, current, force):
                created.append(current)
        done = True
    except OSError as error:
        raise StorageError(f"cannot write {current}: {error.strerror or error}") from None
    finally:
        for temporary, _ in temporaries:
            with contextlib.suppress(OSError):
                temporary.unlink()
        if not done:
            for path in created:
                with contextlib.suppress(OSError):
                    path.unlink()
