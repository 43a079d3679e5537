"""Validation: strict syntax, SHACL shapes and temporal consistency.

``validate`` parses every file strictly (syntax errors carry file:line:column),
checks the merged graph against ``data/shapes.ttl`` with pySHACL, and then
checks time: no end before its start, no overlapping standing statuses
(member, observer, partner) of one member in one organisation, and no source
that appears to report what happened after it was published. The result is a
sorted report; nothing here prints.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from itertools import pairwise
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from sco_graph.dates import PartialDate
from sco_graph.errors import DataError
from sco_graph.load import bundled_data_dir, collect, parse_files, shapes_file
from sco_graph.model import STANDING_STATUSES, STATUSES, short_iri
from sco_graph.store import LocalStore
from sco_graph.terms import Literal

if TYPE_CHECKING:
    import pyoxigraph
    import rdflib


class Problem(NamedTuple):
    """One reason the data does not conform."""

    location: str  # file:line:column for syntax, the node's IRI otherwise
    message: str

    def __str__(self) -> str:
        return f"{self.location}: {self.message}"

    def as_json(self) -> dict[str, str]:
        return {"location": self.location, "message": self.message}


class Report(NamedTuple):
    files: tuple[str, ...]
    triples: int
    problems: tuple[Problem, ...]
    syntax_only: bool = False

    @property
    def conforms(self) -> bool:
        return not self.problems

    def as_json(self) -> dict[str, object]:
        return {
            "query": "validate",
            "files": list(self.files),
            "triples": self.triples,
            "syntax_only": self.syntax_only,
            "conforms": self.conforms,
            "problems": [problem.as_json() for problem in self.problems],
        }


def validate(paths: list[Path] | None = None, syntax_only: bool = False) -> Report:
    """Validate ``paths`` (the bundled data when empty) and report every problem found."""
    from sco_graph.load import bundled_files

    files = collect(paths) if paths else bundled_files()
    problems: list[Problem] = []
    quads: list[pyoxigraph.Quad] = []
    for file in files:
        try:
            quads.extend(parse_files([file]))
        except DataError as error:
            problems.append(Problem(error.location or str(file), error.detail))
    names = tuple(str(file) for file in files)
    if problems or syntax_only:
        return Report(names, len(quads), tuple(sorted(problems)), syntax_only)
    problems.extend(_shacl(quads))
    problems.extend(_temporal(quads))
    return Report(names, len(quads), tuple(sorted(set(problems))), syntax_only)


def _shacl(quads: list[pyoxigraph.Quad]) -> list[Problem]:
    import pyoxigraph as ox
    import rdflib
    from pyshacl import validate as shacl_validate

    data = rdflib.Graph()
    serialized = ox.serialize(quads, format=ox.RdfFormat.N_TRIPLES)
    assert serialized is not None
    data.parse(data=serialized.decode("utf-8"), format="nt")
    ontology = bundled_data_dir() / "ontology.ttl"
    data.parse(ontology, format="turtle")
    shapes = rdflib.Graph().parse(shapes_file(), format="turtle")
    _, results, _ = shacl_validate(data, shacl_graph=shapes, inference="none", allow_warnings=True)
    sh = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    problems = []
    for result in results.subjects(rdflib.RDF.type, sh.ValidationResult):
        focus = results.value(result, sh.focusNode)
        if isinstance(focus, rdflib.Literal):
            continue  # the detail of a nested shape; its owner's result says it better
        message = results.value(result, sh.resultMessage)
        path = results.value(result, sh.resultPath)
        where = f" ({short_iri(str(path))})" if path is not None and not isinstance(path, rdflib.BNode) else ""
        location = short_iri(str(focus)) if not isinstance(focus, rdflib.BNode) else _owner(data, focus)
        problems.append(Problem(location, f"{message}{where}"))
    return problems


def _owner(data: rdflib.Graph, node: rdflib.BNode) -> str:
    """Name a blank node by the IRI that refers to it (evidence belongs to a fact)."""
    import rdflib

    for subject in data.subjects(None, node):
        if isinstance(subject, rdflib.URIRef):
            return short_iri(str(subject)) + " (evidence)"
    return "blank node"


def _temporal(quads: list[pyoxigraph.Quad]) -> list[Problem]:
    import pyoxigraph as ox

    store = ox.Store()
    store.extend(quads)
    local = LocalStore(store, "validation")
    problems = []
    ordered = local.select(
        """SELECT ?node ?first ?last ?what WHERE {
          { ?node sco:date ?first ; sco:endDate ?last BIND("end date" AS ?what) }
          UNION { ?node sco:start ?first ; sco:end ?last BIND("end" AS ?what) } }"""
    )
    for row in ordered:
        first, last = _date(row["first"]), _date(row["last"])
        if first and last and last.latest() < first.earliest():
            problems.append(
                Problem(short_iri(row["node"].value), f"{row['what'].value} {last} is before its start {first}")
            )
    problems.extend(_overlapping_statuses(local))
    problems.extend(_reported_before_it_happened(local))
    return problems


def _date(term: object) -> PartialDate | None:
    if isinstance(term, Literal):
        try:
            return PartialDate.from_literal(term.value, term.datatype)
        except ValueError:
            return None
    return None


def _span(start: PartialDate | None, end: PartialDate | None, attested: list[PartialDate]) -> tuple[dt.date, dt.date]:
    first = start.earliest() if start else min((day.earliest() for day in attested), default=dt.date.min)
    last = end.latest() if end else dt.date.max
    return first, last


def _overlapping_statuses(store: LocalStore) -> list[Problem]:
    rows = store.select(
        """SELECT ?fact ?member ?org ?status ?start ?end ?attested WHERE {
          ?fact a sco:Membership ; sco:member ?member ; sco:organisation ?org ; sco:status ?status .
          OPTIONAL { ?fact sco:start ?start } OPTIONAL { ?fact sco:end ?end }
          OPTIONAL { ?fact sco:attested ?attested } }"""
    )
    facts: dict[str, dict[str, object]] = {}
    for row in rows:
        fact = facts.setdefault(
            row["fact"].value,
            {"key": (row["member"].value, row["org"].value), "status": STATUSES.get(row["status"].value, ""),
             "start": _date(row.get("start")), "end": _date(row.get("end")), "attested": []},
        )  # fmt: skip
        attested = _date(row.get("attested"))
        if attested:
            fact["attested"].append(attested)  # type: ignore[attr-defined]
    grouped: dict[tuple[str, str], list[tuple[str, str, tuple[dt.date, dt.date]]]] = defaultdict(list)
    for iri, fact in facts.items():
        if fact["status"] in STANDING_STATUSES:
            span = _span(fact["start"], fact["end"], fact["attested"])  # type: ignore[arg-type]
            grouped[fact["key"]].append((iri, str(fact["status"]), span))  # type: ignore[index]
    problems = []
    for (member, organisation), spans in grouped.items():
        spans.sort(key=lambda item: item[2])
        for (iri_a, status_a, (_, end_a)), (iri_b, status_b, (start_b, _)) in pairwise(spans):
            if start_b <= end_a and status_a != status_b:
                problems.append(
                    Problem(
                        short_iri(iri_b),
                        f"{short_iri(member)} is {status_b} of {short_iri(organisation)} while still {status_a} "
                        f"({short_iri(iri_a)}); close the earlier status with sco:end",
                    )
                )
    return problems


# The dates by which a node claims to have happened or held, and how a problem names each.
CLAIMED_DATES = """SELECT ?node ?what ?day ?source ?published WHERE {
  ?node sco:evidence ?evidence . ?evidence sco:source ?source .
  OPTIONAL { ?source schema:datePublished ?published }
  { ?node sco:date ?day BIND("dated" AS ?what) }
  UNION { ?node sco:notAfter ?day BIND("dated no later than" AS ?what) }
  UNION { ?node sco:attested ?day BIND("attested" AS ?what) } }"""


def _reported_before_it_happened(store: LocalStore) -> list[Problem]:
    """Events and facts whose every source was published before the date they are given.

    A source published on day P can report only what had happened (or held) by P: an
    event dated later, a fact attested later, or a "no later than" bound later than P
    cannot have come from it. A node with an undated source is not judged.
    """
    published: dict[str, dict[str, PartialDate | None]] = defaultdict(dict)
    claims: dict[str, dict[str, tuple[str, PartialDate]]] = defaultdict(dict)
    for row in store.select(CLAIMED_DATES):
        node = row["node"].value
        published[node][row["source"].value] = _date(row.get("published"))
        day = _date(row["day"])
        if day is not None:
            claims[node][f"{row['what'].value} {day}"] = (row["what"].value, day)
    problems = []
    for node, sources in sorted(published.items()):
        latest = _latest_publication(sources)
        if latest is None:
            continue
        for _, (what, day) in sorted(claims[node].items()):
            if day.earliest() > latest.latest():
                problems.append(
                    Problem(
                        short_iri(node),
                        f"{what} {day}, but every source cited for it was published by {latest} "
                        f"({', '.join(short_iri(iri) for iri in sorted(sources))}): a source cannot report "
                        "what happened after its publication; cite a source of that date",
                    )
                )
    return problems


def _latest_publication(sources: dict[str, PartialDate | None]) -> PartialDate | None:
    """The latest publication date of the sources, or None when any of them is undated."""
    dates = list(sources.values())
    if not dates or any(day is None for day in dates):
        return None
    return max((day for day in dates if day is not None), key=PartialDate.sort_key)
