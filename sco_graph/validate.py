"""Validation: strict syntax, SHACL shapes and temporal consistency.

``validate`` parses every file strictly (syntax errors carry file:line:column)
into one in-memory store, checks it against ``data/shapes.ttl`` with
:mod:`sco_graph.shacl` (inside the store, set at a time), and then
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
from sco_graph.load import bundled_data_dir, collect, parse_into, shapes_file
from sco_graph.model import STANDING_STATUSES, STATUSES, short_iri
from sco_graph.store import LocalStore
from sco_graph.terms import Literal

if TYPE_CHECKING:
    import pyoxigraph

    from sco_graph.shacl import Result

# The graph the ontology is loaded into beside the data while the shapes are checked.
ONTOLOGY_GRAPH = "urn:sco-graph:validation:ontology"


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
    import pyoxigraph as ox

    from sco_graph.load import bundled_files

    files = collect(paths) if paths else bundled_files()
    problems: list[Problem] = []
    store = ox.Store()
    triples = 0
    for file in files:
        try:
            triples += parse_into(store, file)
        except DataError as error:
            problems.append(Problem(error.location or str(file), error.detail))
    names = tuple(str(file) for file in files)
    if problems or syntax_only:
        return Report(names, triples, tuple(sorted(problems)), syntax_only)
    problems.extend(_shacl(store))
    problems.extend(_temporal(store))
    return Report(names, triples, tuple(sorted(set(problems))), syntax_only)


def _shacl(store: pyoxigraph.Store) -> list[Problem]:
    """The SHACL results, each located at its focus node (a blank node by the IRI that refers to it).

    The ontology joins the data in a graph of its own, so the shapes see its subclasses
    while the temporal checks, which read the default graph, see only the data.
    """
    import pyoxigraph as ox

    from sco_graph.shacl import check, read_shapes

    ontology = bundled_data_dir() / "ontology.ttl"
    store.bulk_load(path=str(ontology), format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(ONTOLOGY_GRAPH))
    try:
        results = check(store, read_shapes(shapes_file()))
    finally:
        store.clear_graph(ox.NamedNode(ONTOLOGY_GRAPH))
    problems = []
    for result in results:
        problems.extend(_problems(store, result))
    return problems


def _problems(store: pyoxigraph.Store, result: Result) -> list[Problem]:
    """A result and the details that explain it at the same node; results about a literal are left out.

    A literal is the focus only inside a nested shape (a date checked by its datatype),
    where the owner's result says it better; so is any other node's detail.
    """
    import pyoxigraph as ox

    focus = result.focus
    if isinstance(focus, ox.Literal):
        return []
    path = result.path or ""
    where = f" ({'^' if path.startswith('^') else ''}{short_iri(path.removeprefix('^'))})" if path else ""
    location = short_iri(focus.value) if isinstance(focus, ox.NamedNode) else _owner(store, focus)
    found = [Problem(location, f"{result.message}{where}")]
    for detail in result.details:
        if detail.focus == focus:
            found.extend(_problems(store, detail))
    return found


def _owner(store: pyoxigraph.Store, node: pyoxigraph.BlankNode | pyoxigraph.Triple) -> str:
    """Name a blank node by the IRI that refers to it (evidence belongs to a fact)."""
    import pyoxigraph as ox

    owners = sorted(quad.subject.value for quad in store.quads_for_pattern(None, None, node)
                    if isinstance(quad.subject, ox.NamedNode))  # fmt: skip
    return short_iri(owners[0]) + " (evidence)" if owners else "blank node"


def _temporal(store: pyoxigraph.Store) -> list[Problem]:
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
