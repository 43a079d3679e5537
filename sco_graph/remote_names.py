"""Names on a SPARQL endpoint: resolved by asking the server for candidates, never by reading every name.

Resolving a name sends one query. It asks for the entities with a name or
alias that matches, under sco-graph's folding (see :mod:`sco_graph.name_patterns`),
the whole name as typed, its first word, or a run of three of its letters; each
group is bounded (:data:`CANDIDATES`, :data:`SIMILAR`). The exact rules of
:mod:`sco_graph.resolve` then run over those candidates, so an endpoint
resolves names as local data does, and "did you mean" suggestions come from the
similar names the server returned. When a group the answer depends on was cut
at its bound, the name is reported as matching too many entities rather than
resolved on partial evidence.

Entities met in answers (event participants, path ends) are named with one
batched query per answer (:meth:`RemoteNames.prefetch`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import NamedTuple

from sco_graph.errors import AmbiguousNameError
from sco_graph.graph import ENTITY_TYPES_VALUES, entries_from_rows, values_clause
from sco_graph.name_patterns import any_of, key_pattern
from sco_graph.resolve import Directory, Entry, Match, Names, check_name, normalize, stems, transliteration_key
from sco_graph.store import Store
from sco_graph.terms import Literal

# Entities fetched for a whole name or its first word, and for names that are merely similar.
CANDIDATES = 500
SIMILAR = 100
BATCH = 200  # IRIs named per query


def _group(rank: int, pattern: str, limit: int) -> str:
    regex = Literal(pattern).n3()
    return f"""{{ SELECT DISTINCT ?entity ({rank} AS ?rank) WHERE {{
        VALUES ?kind {{ {ENTITY_TYPES_VALUES} }} ?entity a ?kind ; rdfs:label|skos:altLabel ?text .
        FILTER(REGEX(STR(?text), {regex})) }} LIMIT {limit} }}"""


def _similar_group(keys: list[str], limit: int) -> str:
    """The ``limit`` entities whose names share the most of ``keys`` (runs of letters), best first."""
    text = "STR(?text)"
    score = " + ".join(f"IF(REGEX({text}, {Literal(key_pattern(key)).n3()}), 1, 0)" for key in keys)
    return f"""{{ SELECT ?entity (2 AS ?rank) WHERE {{ {{ SELECT ?entity (MAX(?score) AS ?best) WHERE {{
        VALUES ?kind {{ {ENTITY_TYPES_VALUES} }} ?entity a ?kind ; rdfs:label|skos:altLabel ?text .
        FILTER(REGEX({text}, {Literal(any_of(keys)).n3()})) BIND(({score}) AS ?score) }}
        GROUP BY ?entity ORDER BY DESC(?best) ?entity LIMIT {limit} }} }} }}"""


# Each entity's classes, names and aliases as separate rows (no label-by-alias cross product).
_NAMED = f"""{{{{ {{found}} }}}} VALUES ?type {{{{ {ENTITY_TYPES_VALUES} }}}} ?entity a ?type .
    OPTIONAL {{{{ {{{{ ?entity rdfs:label ?label }}}} UNION {{{{ ?entity skos:altLabel ?alias }}}} }}}}"""


def _words_in_order(key: str) -> str:
    """A pattern finding the words of a typed name, in order, anywhere in a name."""
    return ".*".join(key_pattern(transliteration_key(word)) for word in key.split())


class Candidates(NamedTuple):
    """What the server returned for one typed name: the entities, and which groups were cut at their bound."""

    directory: Directory
    full: bool  # the whole-name group was cut
    word: bool  # the first-word group was cut


class RemoteNames(Names):
    """Name resolution through an endpoint: bounded candidate queries, entities named in batches."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._known: dict[str, Entry | None] = {}
        self._candidates: dict[str, Candidates] = {}
        self._current: Candidates | None = None
        self._typed = ""

    # -------------------------------------------------------------- entities by IRI
    def prefetch(self, iris: Iterable[str]) -> None:
        """Name every entity among ``iris`` not named yet, :data:`BATCH` to a query."""
        missing = sorted({iri for iri in iris if iri not in self._known})
        for start in range(0, len(missing), BATCH):
            batch = missing[start : start + BATCH]
            named = _NAMED.format(found=values_clause("entity", batch))
            query = f"SELECT ?entity ?type ?label ?alias WHERE {{ {named} }}"
            found = {entry.iri: entry for entry in entries_from_rows(self.store.select(query))}
            for iri in batch:
                self._known[iri] = found.get(iri)

    def get(self, iri: str) -> Entry | None:
        if iri not in self._known:
            self.prefetch([iri])
        return self._known[iri]

    # -------------------------------------------------------------- candidates for a typed name
    def _fetch(self, text: str) -> Candidates:
        """The entities a typed name could mean: by the whole name, and by its words in order (one query)."""
        key = normalize(text)
        if key not in self._candidates:
            whole = transliteration_key(key)
            groups = [_group(0, key_pattern(whole), CANDIDATES)] if whole else []
            if len(key.split()) > 1:
                groups.append(_group(1, _words_in_order(key), CANDIDATES))
            self._candidates[key] = self._query(groups, 2 if len(groups) > 1 else 1)
        return self._candidates[key]

    def _similar(self, text: str, limit: int = SIMILAR) -> Directory:
        """Entities with a name sharing runs of three letters with ``text``: the ``limit`` sharing the most."""
        runs = stems(transliteration_key(normalize(text)))
        return self._query([_similar_group(runs, limit)], 0).directory if runs else Directory({})

    def _query(self, groups: list[str], ranked: int) -> Candidates:
        if not groups:
            return Candidates(Directory({}), False, False)
        found = " UNION ".join(groups)
        rows = self.store.select(f"SELECT ?entity ?rank ?type ?label ?alias WHERE {{ {_NAMED.format(found=found)} }}")
        counts: dict[int, set[str]] = defaultdict(set)
        for row in rows:
            counts[int(row["rank"].value)].add(row["entity"].value)
        entries = {entry.iri: entry for entry in entries_from_rows(rows)}
        for iri, entry in entries.items():
            self._known.setdefault(iri, entry)
        full = ranked > 0 and len(counts[0]) >= CANDIDATES
        word = len(counts[1]) >= CANDIDATES if ranked > 1 else full
        return Candidates(Directory(entries), full, word)

    def _too_many(self, text: str) -> AmbiguousNameError:
        return AmbiguousNameError(
            f"{text!r} matches more than {CANDIDATES} entities on the endpoint; use a fuller name", ()
        )

    # -------------------------------------------------------------- the resolver's questions
    def resolve(self, text: str) -> Entry:
        self._typed = check_name(text)
        self._current = self._fetch(self._typed)
        try:
            return super().resolve(text)
        finally:
            self._current = None

    def is_exact_name(self, text: str) -> bool:
        key = normalize(text)
        if not key:
            return False
        candidates = self._fetch(text)
        return bool(candidates.directory._with_key(key))

    def _with_key(self, key: str) -> set[str]:
        current = self._checked(full=True)
        return current.directory._with_key(key)

    def _with_loose(self, loose: str) -> set[str]:
        current = self._checked(full=True)
        return current.directory._with_loose(loose)

    def _with_word(self, word: str, prefix: bool) -> Iterable[tuple[str, str]]:
        current = self._checked(full=False)
        return current.directory._with_word(word, prefix)

    def _checked(self, full: bool) -> Candidates:
        current = self._current
        assert current is not None, "names are looked up by word only while resolving"
        if current.full or (not full and current.word):
            raise self._too_many(self._typed)
        return current

    def entries(self) -> Iterable[Entry]:
        """Never every entity: only the candidates of the name being resolved, and names similar to it."""
        if self._current is None:
            return ()
        similar = self._similar(self._typed)
        return {**similar.by_iri, **self._current.directory.by_iri}.values()

    def search(self, text: str, limit: int = 10, cutoff: float = 0.0) -> list[Match]:
        """Fuzzy search over the names that share a run of letters with ``text`` (as local search does)."""
        return self._similar(check_name(text), 5 * limit).search(text, limit=limit, cutoff=cutoff)
