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
SIMILAR = 200
BATCH = 200  # IRIs named per query


def _group(rank: int, pattern: str, limit: int) -> str:
    regex = Literal(pattern).n3()
    return f"""{{ SELECT DISTINCT ?entity ({rank} AS ?rank) WHERE {{
        VALUES ?kind {{ {ENTITY_TYPES_VALUES} }} ?entity a ?kind ; rdfs:label|skos:altLabel ?text .
        FILTER(REGEX(STR(?text), {regex})) }} LIMIT {limit} }}"""


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
            query = f"""SELECT ?entity ?type ?label ?alias WHERE {{ {values_clause("entity", batch)}
                VALUES ?type {{ {ENTITY_TYPES_VALUES} }} ?entity a ?type .
                OPTIONAL {{ ?entity rdfs:label ?label }} OPTIONAL {{ ?entity skos:altLabel ?alias }} }}"""
            found = {entry.iri: entry for entry in entries_from_rows(self.store.select(query))}
            for iri in batch:
                self._known[iri] = found.get(iri)

    def get(self, iri: str) -> Entry | None:
        if iri not in self._known:
            self.prefetch([iri])
        return self._known[iri]

    # -------------------------------------------------------------- candidates for a typed name
    def _fetch(self, text: str) -> Candidates:
        key = normalize(text)
        if key not in self._candidates:
            self._candidates[key] = self._query(key)
        return self._candidates[key]

    def _query(self, key: str) -> Candidates:
        whole = transliteration_key(key)
        first = transliteration_key(key.split(maxsplit=1)[0]) if key else ""
        groups = [_group(0, key_pattern(whole), CANDIDATES)] if whole else []
        if first and first != whole:
            groups.append(_group(1, key_pattern(first), CANDIDATES))
        similar = stems(whole)
        if similar:
            groups.append(_group(2, any_of(similar), SIMILAR))
        if not groups:
            return Candidates(Directory({}), False, False)
        query = f"""SELECT ?entity ?rank ?type ?label ?alias WHERE {{
            {{ {" UNION ".join(groups)} }}
            VALUES ?type {{ {ENTITY_TYPES_VALUES} }} ?entity a ?type .
            OPTIONAL {{ ?entity rdfs:label ?label }} OPTIONAL {{ ?entity skos:altLabel ?alias }} }}"""
        rows = self.store.select(query)
        counts: dict[int, set[str]] = defaultdict(set)
        for row in rows:
            counts[int(row["rank"].value)].add(row["entity"].value)
        entries = {entry.iri: entry for entry in entries_from_rows(rows)}
        for iri, entry in entries.items():
            self._known.setdefault(iri, entry)
        full = len(counts[0]) >= CANDIDATES
        word = len(counts[1]) >= CANDIDATES if first != whole else full
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
        """The candidates of the name being resolved (suggestions come from them, never from every name)."""
        return self._current.directory.entries() if self._current is not None else ()

    def search(self, text: str, limit: int = 10, cutoff: float = 0.0) -> list[Match]:
        """Fuzzy search over the names that share a run of letters with ``text`` (as local search does)."""
        return self._fetch(check_name(text)).directory.search(text, limit=limit, cutoff=cutoff)
