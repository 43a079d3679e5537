"""Finding and strictly parsing data files.

Files are parsed with pyoxigraph, which rejects invalid Turtle and N-Triples
and reports the file, line and column. Everything is parsed before anything is
used, so a bad file never leaves a half-loaded graph behind.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sco_graph.dates import DATATYPE_PRECISION, PartialDate
from sco_graph.errors import DataError, StorageError

if TYPE_CHECKING:
    import pyoxigraph

# File endings sco-graph reads, and the RDF format of each.
FORMATS: dict[str, str] = {
    ".ttl": "turtle",
    ".turtle": "turtle",
    ".nt": "ntriples",
    ".jsonld": "jsonld",
}
# Files in the bundled data folder that describe the data rather than being part of it.
NOT_DATA = {"shapes.ttl"}


def bundled_data_dir() -> Path:
    """The folder of the curated dataset: package data when installed, ``data/`` in a checkout."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "data", here.parent / "data"):
        if (candidate / "ontology.ttl").is_file():
            return candidate
    raise StorageError("the bundled dataset is missing: reinstall sco-graph")


def bundled_files() -> list[Path]:
    folder = bundled_data_dir()
    return sorted(path for path in folder.rglob("*.ttl") if path.name not in NOT_DATA)


def shapes_file() -> Path:
    return bundled_data_dir() / "shapes.ttl"


def collect(paths: list[Path]) -> list[Path]:
    """Expand folders into the RDF files below them; check that every file exists."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = sorted(child for child in path.rglob("*") if child.is_file() and child.suffix.lower() in FORMATS)
            if not found:
                raise DataError(f"{path}: the folder holds no .ttl, .nt or .jsonld file")
            files.extend(found)
        elif path.is_file():
            if path.suffix.lower() not in FORMATS:
                raise DataError(f"{path}: unknown file type {path.suffix or '(none)'}; use .ttl, .nt or .jsonld")
            files.append(path)
        elif path.exists():
            raise StorageError(f"{path}: not a regular file or folder")
        else:
            raise StorageError(f"{path}: no such file or folder")
    return [file.resolve() for file in files]


def read_text(path: Path) -> str:
    """Read a data file as UTF-8 (a byte-order mark is allowed)."""
    try:
        raw = path.read_bytes()
    except PermissionError:
        raise StorageError(f"{path}: permission denied") from None
    except OSError as error:
        raise StorageError(f"{path}: cannot read ({error.strerror or error})") from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        column = error.start - (raw.rfind(b"\n", 0, error.start) + 1) + 1
        raise DataError("", f"{path}:{line}:{column}", f"not UTF-8 text (byte 0x{raw[error.start]:02x})") from None


def _format(path: Path) -> pyoxigraph.RdfFormat:
    import pyoxigraph as ox

    return {
        "turtle": ox.RdfFormat.TURTLE,
        "ntriples": ox.RdfFormat.N_TRIPLES,
        "jsonld": ox.RdfFormat.JSON_LD,
    }[FORMATS[path.suffix.lower()]]


def parse_file(path: Path) -> list[pyoxigraph.Quad]:
    """Parse one file strictly; relative IRIs resolve against the file's own location."""
    import pyoxigraph as ox

    text = read_text(path)
    try:
        quads = list(ox.parse(text, format=_format(path), base_iri=path.resolve().as_uri()))
    except SyntaxError as error:
        message = _clean_message(error.msg or str(error))
        raise DataError("", f"{path}:{error.lineno or 1}:{max(1, error.offset or 1)}", message) from None
    except ValueError as error:  # JSON-LD errors carry no position
        raise DataError("", f"{path}:1:1", _clean_message(str(error))) from None
    _check_dates(path, quads)
    return quads


def _clean_message(message: str) -> str:
    """pyoxigraph prefixes its own position; keep only the description."""
    text = " ".join(message.split())
    if ": " in text and text.startswith("Parser error at"):
        return text.split(": ", 1)[1]
    return text


def _check_dates(path: Path, quads: list[pyoxigraph.Quad]) -> None:
    """Reject impossible dates (2023-02-30) in xsd:date, xsd:gYearMonth and xsd:gYear literals."""
    import pyoxigraph as ox

    for quad in quads:
        term = quad.object
        if isinstance(term, ox.Literal) and term.datatype.value in DATATYPE_PRECISION:
            try:
                PartialDate.from_literal(term.value, term.datatype.value)
            except ValueError as error:
                raise DataError("", str(path), f"ill-typed literal in a triple about {quad.subject}: {error}") from None


_DATE_PROPERTIES = " ".join(
    f"<{iri}>"
    for iri in (
        "https://w3id.org/sco-graph/def#date",
        "https://w3id.org/sco-graph/def#endDate",
        "https://w3id.org/sco-graph/def#notAfter",
        "https://w3id.org/sco-graph/def#start",
        "https://w3id.org/sco-graph/def#end",
        "https://w3id.org/sco-graph/def#attested",
        "https://schema.org/datePublished",
    )
)
# Dates the model reads whose lexical form is not a real date of their datatype (the cast fails).
_BAD_DATES = f"""SELECT ?s ?o WHERE {{
  VALUES ?p {{ {_DATE_PROPERTIES} }}
  ?s ?p ?o .
  FILTER(isLiteral(?o) && datatype(?o) IN (xsd:date, xsd:gYearMonth, xsd:gYear))
  BIND(IF(datatype(?o) = xsd:date, xsd:date(str(?o)),
       IF(datatype(?o) = xsd:gYear, xsd:gYear(str(?o)), xsd:gYearMonth(str(?o)))) AS ?ok)
  FILTER(!BOUND(?ok)) }} LIMIT 1"""


def load_into(store: pyoxigraph.Store, files: list[Path]) -> None:
    """Load ``files`` into a fresh ``store`` strictly; the caller discards the store on error.

    Parsing and loading run inside pyoxigraph, without a Python object per triple,
    so a million triples load in seconds.
    """
    import pyoxigraph as ox

    from sco_graph.progress import counting_reader, task

    for file in files:
        data = read_text(file).encode("utf-8")
        try:
            with task(f"Compiling {file.name}", total=len(data)) as advance:
                store.bulk_load(
                    input=counting_reader(data, advance), format=_format(file), base_iri=file.resolve().as_uri()
                )
        except SyntaxError as error:
            message = _clean_message(error.msg or str(error))
            raise DataError("", f"{file}:{error.lineno or 1}:{max(1, error.offset or 1)}", message) from None
        except (ValueError, OSError) as error:
            raise DataError("", f"{file}:1:1", _clean_message(str(error))) from None
    answer = store.query("PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>\n" + _BAD_DATES)
    assert isinstance(answer, ox.QuerySolutions)
    bad = list(answer)
    if bad:
        for file in files:  # the slow path, only on error: find the file that says it
            parse_file(file)
        solution = bad[0]
        assert isinstance(solution, ox.QuerySolution)
        raise DataError(f"ill-typed date {solution['o']} in a triple about {solution['s']}")


def parse_files(files: list[Path]) -> list[pyoxigraph.Quad]:
    """Parse every file; the first error stops the load before anything is kept."""
    quads: list[pyoxigraph.Quad] = []
    for file in files:
        quads.extend(parse_file(file))
    return quads


def fingerprint(files: list[Path]) -> str:
    """A cheap key from each file's path, size and modification time."""
    parts = ["sco-graph-fingerprint-1"]
    for file in files:
        try:
            info = file.stat()
        except OSError as error:
            raise StorageError(f"{file}: cannot read ({error.strerror or error})") from None
        parts.append(f"{file}|{info.st_size}|{info.st_mtime_ns}|{info.st_ino}")
    return "\n".join(parts)


def content_hash(files: list[Path], version: str) -> str:
    """The key of a compiled store: the content (and location) of every input file."""
    import hashlib

    digest = hashlib.sha256(f"sco-graph-content-{version}\0".encode())
    for file in files:
        digest.update(f"{file}\0".encode())
        try:
            with file.open("rb") as handle:
                while chunk := handle.read(1 << 20):
                    digest.update(chunk)
        except OSError as error:
            raise StorageError(f"{file}: cannot read ({error.strerror or error})") from None
        digest.update(b"\0")
    return digest.hexdigest()
