"""An opened dataset: a store, the entity directory, and describing nodes by IRI.

:class:`Graph` is what queries take. It turns store rows into plain Python
descriptions (every property of a node), citations and entity references, so
that query code reads like the domain rather than like SPARQL plumbing.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

from sco_graph.dates import PartialDate, When
from sco_graph.model import ENTITY_TYPES, RDF, RDFS, SCHEMA, SCO, SKOS, short_iri, type_name
from sco_graph.resolve import Directory, Entry, Names
from sco_graph.results import Citation, EntityRef, Period, Source
from sco_graph.store import Store
from sco_graph.terms import IRI, Literal, Row, Term

Description = dict[str, list[Term]]

ENTITY_TYPES_VALUES = " ".join(f"<{iri}>" for iri in ENTITY_TYPES)
DIRECTORY_QUERY = f"""
SELECT ?entity ?type ?label ?alias WHERE {{
  VALUES ?type {{ {ENTITY_TYPES_VALUES} }}
  ?entity a ?type .
  OPTIONAL {{ ?entity rdfs:label ?label }}
  OPTIONAL {{ ?entity skos:altLabel ?alias }}
}}
"""


def build_directory(store: Store) -> Directory:
    """Read every entity's type, name and aliases from the store, indexed in memory."""
    return Directory({entry.iri: entry for entry in read_entries(store)})


def read_entries(store: Store) -> list[Entry]:
    """Every entity's type, name and aliases, as the store holds them."""
    return entries_from_rows(store.select(DIRECTORY_QUERY))


def entries_from_rows(rows: Iterable[Row]) -> list[Entry]:
    """Entities from rows binding ``?entity`` and any of ``?type``, ``?label`` and ``?alias``.

    Only entities with a type among :data:`ENTITY_TYPES` are returned.
    """
    types: dict[str, set[str]] = defaultdict(set)
    labels: dict[str, set[str]] = defaultdict(set)
    aliases: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        iri = row["entity"].value
        if "type" in row and row["type"].value in ENTITY_TYPES:
            types[iri].add(row["type"].value)
        if "label" in row:
            labels[iri].add(row["label"].value)
        if "alias" in row:
            aliases[iri].add(row["alias"].value)
    entries = []
    for iri, classes in types.items():
        names = sorted(labels[iri]) or [short_iri(iri)]
        extra = sorted((aliases[iri] | set(names[1:])) - {names[0]})
        entries.append(Entry(iri, names[0], type_name(classes, ENTITY_TYPES) or "entity", tuple(extra)))
    return entries


TYPE = RDF + "type"
# The most rows a question without a subject (every event, every relation) reads from an endpoint.
ENDPOINT_ROWS = 5000


def local_only(graph: Graph, what: str, hint: str) -> None:
    """Refuse, on an endpoint, work that reads the whole graph: sco-graph never asks an endpoint for it."""
    if graph.is_remote:
        from sco_graph.errors import UsageError

        raise UsageError(f"{what} reads the whole graph, which sco-graph never asks of an endpoint; {hint}")


def count_of(rows: list[Row]) -> int:
    """The ``?n`` of an aggregate's single row (0 when none); a store answering a non-integer is not trusted."""
    value = rows[0].get("n") if rows else None
    if value is None:
        return 0
    try:
        return int(value.value)
    except ValueError:
        from sco_graph.errors import DataError
        from sco_graph.escape import visible

        raise DataError(f"the store answered a count that is not an integer: {visible(value.value[:40])}") from None


def check_count(graph: Graph, count_query: str, what: str, hint: str) -> None:
    """On an endpoint, refuse a question with more rows than :data:`ENDPOINT_ROWS` (``count_query`` counts ``?n``)."""
    if not graph.is_remote:
        return
    from sco_graph.errors import UsageError

    count = count_of(graph.store.select(count_query))
    if count > ENDPOINT_ROWS:
        raise UsageError(
            f"the endpoint holds {count:,} {what}, more than the {ENDPOINT_ROWS:,} sco-graph reads from an "
            f"endpoint for one answer; {hint}"
        )


def values_clause(variable: str, iris: Iterable[str]) -> str:
    """A VALUES block of IRIs that came out of the store (never of user input)."""
    body = " ".join(IRI(iri).n3() for iri in sorted(set(iris)))
    return f"VALUES ?{variable} {{ {body} }}"


class Graph:
    """The data a query runs against: a store and the names of its entities."""

    def __init__(self, store: Store, names: Names | None = None, cache_entry: Path | None = None) -> None:
        self.store = store
        self._names = names
        self.cache_entry = cache_entry  # the compiled store's folder, where derived indexes are kept
        self._sources: dict[str, Source] | None = None
        self._source_cache: dict[str, Source] = {}

    @property
    def is_remote(self) -> bool:
        """Whether the data is on an endpoint, where no question may read the whole graph."""
        return bool(getattr(self.store, "remote", False))

    @property
    def directory(self) -> Names:
        """The entities' names: the compiled index, or read from the store on first use."""
        if self._names is None:
            self._names = build_directory(self.store)
        return self._names

    def resolve(self, name: str) -> EntityRef:
        entry = self.directory.resolve(name)
        return EntityRef(entry.iri, entry.name, entry.type)

    def entities(self, iris: Iterable[str]) -> list[EntityRef]:
        """References to several entities, named together (one query on an endpoint)."""
        wanted = list(iris)
        self.directory.prefetch(wanted)
        return [self.entity(iri) for iri in wanted]

    def entity(self, iri: str) -> EntityRef:
        entry = self.directory.get(iri)
        if entry is None:
            return EntityRef(iri, short_iri(iri), "entity")
        return EntityRef(entry.iri, entry.name, entry.type)

    def describe(self, iris: Iterable[str]) -> dict[str, Description]:
        """Every property (and its values) of each node, in one query."""
        wanted = set(iris)
        descriptions: dict[str, Description] = {iri: defaultdict(list) for iri in wanted}
        if not wanted:
            return descriptions
        rows = self.store.select(f"SELECT ?s ?p ?o WHERE {{ {values_clause('s', wanted)} ?s ?p ?o }}")
        for row in rows:
            descriptions[row["s"].value][row["p"].value].append(row["o"])
        self.directory.prefetch(
            {row["o"].value for row in rows if isinstance(row["o"], IRI) and row["p"].value != TYPE}
        )
        for description in descriptions.values():
            for values in description.values():
                values.sort(key=lambda term: (type(term).__name__, term.value))
        return descriptions

    def describe_all(self, classes: Iterable[str]) -> dict[str, Description]:
        """Every property of every node of the given classes, in one query."""
        descriptions: dict[str, Description] = defaultdict(lambda: defaultdict(list))
        query = f"SELECT ?s ?p ?o WHERE {{ {values_clause('type', classes)} ?s a ?type . ?s ?p ?o }}"
        rows = self.store.select(query)
        for row in rows:
            descriptions[row["s"].value][row["p"].value].append(row["o"])
        self.directory.prefetch(
            {row["o"].value for row in rows if isinstance(row["o"], IRI) and row["p"].value != TYPE}
        )
        for description in descriptions.values():
            for values in description.values():
                values.sort(key=lambda term: (type(term).__name__, term.value))
        return dict(descriptions)

    def citations(self, iris: Iterable[str] | None = None) -> dict[str, tuple[Citation, ...]]:
        """The evidence of each node (of every node when ``iris`` is None), in a stable order."""
        wanted = None if iris is None else set(iris)
        quoted: list[tuple[str, str, str]] = []
        if wanted is None or wanted:
            values = "" if wanted is None else values_clause("s", wanted)
            query = f"""SELECT ?s ?source ?quote WHERE {{ {values}
                ?s sco:evidence ?evidence . ?evidence sco:source ?source ; sco:quote ?quote }}"""
            quoted = [(row["s"].value, row["source"].value, row["quote"].value) for row in self.store.select(query)]
        sources = self.sources_of({source for _, source, _ in quoted})
        found: dict[str, set[Citation]] = defaultdict(set)
        for node, source, quote in quoted:
            found[node].add(Citation(sources[source], quote))
        keys = found.keys() if wanted is None else wanted
        return {iri: tuple(sorted(found.get(iri, ()), key=_citation_order)) for iri in keys}

    def sources_of(self, iris: set[str]) -> dict[str, Source]:
        """The sources with these IRIs (an unknown one gets a placeholder), fetched once each.

        A headline listed on an article's page carries that article as ``listed_on``.
        """
        cache = self._source_cache
        missing = iris - cache.keys()
        if missing:
            query = f"""SELECT ?source ?title ?publisher ?published ?seed ?page WHERE {{
                {values_clause("source", missing)}
                OPTIONAL {{ ?source schema:headline ?title }} OPTIONAL {{ ?source schema:publisher ?publisher }}
                OPTIONAL {{ ?source schema:datePublished ?published }} OPTIONAL {{ ?source sco:seedFile ?seed }}
                OPTIONAL {{ ?source sco:listedOn ?page FILTER(?page != ?source) }} }}"""
            rows = list(self.store.select(query))
            pages = {row["page"].value for row in rows if "page" in row} - missing
            found = self.sources_of(pages) if pages else {}
            for row in rows:
                if "page" not in row:
                    cache[row["source"].value] = _source(row)
            for row in rows:  # pages among the missing are cached by now
                if "page" in row:
                    page = found.get(row["page"].value) or cache.get(row["page"].value)
                    cache[row["source"].value] = _source(row, page)
        return {iri: cache[iri] for iri in iris}

    @property
    def sources(self) -> dict[str, Source]:
        if self._sources is None:
            query = """SELECT ?source ?title ?publisher ?published ?seed WHERE {
                ?source a sco:Article .
                OPTIONAL { ?source schema:headline ?title }
                OPTIONAL { ?source schema:publisher ?publisher }
                OPTIONAL { ?source schema:datePublished ?published }
                OPTIONAL { ?source sco:seedFile ?seed } }"""
            self._sources = {row["source"].value: _source(row) for row in self.store.select(query)}
        return self._sources

    def organs(self, iri: str) -> list[str]:
        """Organs that are part of the entity, directly or through other organs."""
        rows = self.store.select("SELECT DISTINCT ?organ WHERE { ?organ sco:partOf+ ?whole }", {"whole": IRI(iri)})
        return sorted(row["organ"].value for row in rows)


def _source(row: Row, page: Source | None = None) -> Source:
    """A source from a row with ?source and optional ?title, ?publisher, ?published, ?seed."""
    iri = row["source"].value
    return Source(
        iri,
        row["title"].value if "title" in row else short_iri(iri),
        row["publisher"].value if "publisher" in row else None,
        row["published"].value if "published" in row else None,
        row["seed"].value if "seed" in row else None,
        page,
    )


def _citation_order(citation: Citation) -> tuple[str, str, str]:
    return (citation.source.published or "", citation.source.iri, citation.quote)


# ------------------------------------------------------------------ description helpers
def first_text(description: Description, predicate: str) -> str | None:
    values = description.get(predicate, [])
    return values[0].value if values else None


def iris_of(description: Description, predicate: str) -> list[str]:
    return [term.value for term in description.get(predicate, []) if isinstance(term, IRI)]


def classes_of(description: Description) -> list[str]:
    return iris_of(description, RDF + "type")


def label_of(description: Description, fallback: str) -> str:
    return first_text(description, RDFS + "label") or first_text(description, SKOS + "prefLabel") or fallback


def date_of(description: Description, predicate: str) -> PartialDate | None:
    for term in description.get(predicate, []):
        if isinstance(term, Literal):
            try:
                return PartialDate.from_literal(term.value, term.datatype)
            except ValueError:
                continue
    return None


def dates_of(description: Description, predicate: str) -> tuple[PartialDate, ...]:
    found = []
    for term in description.get(predicate, []):
        if isinstance(term, Literal):
            try:
                found.append(PartialDate.from_literal(term.value, term.datatype))
            except ValueError:
                continue
    return tuple(sorted(set(found), key=PartialDate.sort_key))


def when_of(description: Description) -> When:
    return When(
        date_of(description, SCO + "date"),
        date_of(description, SCO + "endDate"),
        date_of(description, SCO + "notAfter"),
    )


def period_of(description: Description) -> Period:
    return Period(
        date_of(description, SCO + "start"),
        date_of(description, SCO + "end"),
        dates_of(description, SCO + "attested"),
    )


def is_true(description: Description, predicate: str) -> bool:
    return any(term.value in ("true", "1") for term in description.get(predicate, []))


SCHEMA_HEADLINE = SCHEMA + "headline"
