"""The compiled name index: every entity's names in SQLite, beside the compiled store.

Resolving a name then costs a few indexed look-ups instead of loading and
normalising every name on each run, which keeps lookups instant on data with
hundreds of thousands of entities.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from pathlib import Path

from sco_graph.resolve import Entry, Names, normalize, transliteration_key

SCHEMA = """
CREATE TABLE entity (iri TEXT PRIMARY KEY, name TEXT NOT NULL, type TEXT NOT NULL, aliases TEXT NOT NULL);
CREATE TABLE name (key TEXT NOT NULL, loose TEXT NOT NULL, iri TEXT NOT NULL);
CREATE TABLE word (word TEXT NOT NULL, key TEXT NOT NULL, iri TEXT NOT NULL);
CREATE INDEX name_key ON name (key);
CREATE INDEX name_loose ON name (loose);
CREATE INDEX word_word ON word (word);
"""


def write_index(entries: Iterable[Entry], path: Path) -> None:
    """Write the entities' names as a SQLite name index at ``path`` (a new file)."""
    connection = sqlite3.connect(path)
    try:
        connection.executescript(SCHEMA)
        entities: list[tuple[str, str, str, str]] = []
        names: set[tuple[str, str, str]] = set()
        words: set[tuple[str, str, str]] = set()
        for entry in entries:
            entities.append((entry.iri, entry.name, entry.type, json.dumps(list(entry.aliases), ensure_ascii=False)))
            for name in entry.names:
                key = normalize(name)
                if key:
                    names.add((key, transliteration_key(key), entry.iri))
                    words.update((transliteration_key(word), key, entry.iri) for word in key.split())
        connection.executemany("INSERT INTO entity VALUES (?, ?, ?, ?)", entities)
        connection.executemany("INSERT INTO name VALUES (?, ?, ?)", sorted(names))
        connection.executemany("INSERT INTO word VALUES (?, ?, ?)", sorted(words))
        connection.commit()
    finally:
        connection.close()


class IndexedNames(Names):
    """Names resolved through the SQLite index of a compiled store."""

    def __init__(self, path: Path) -> None:
        self._connection = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
        self._cache: dict[str, Entry | None] = {}

    def get(self, iri: str) -> Entry | None:
        if iri not in self._cache:
            row = self._connection.execute(
                "SELECT iri, name, type, aliases FROM entity WHERE iri = ?", (iri,)
            ).fetchone()
            self._cache[iri] = _entry(row) if row else None
        return self._cache[iri]

    def entries(self) -> Iterable[Entry]:
        return [_entry(row) for row in self._connection.execute("SELECT iri, name, type, aliases FROM entity")]

    def _with_key(self, key: str) -> set[str]:
        return {iri for (iri,) in self._connection.execute("SELECT iri FROM name WHERE key = ?", (key,))}

    def _with_loose(self, loose: str) -> set[str]:
        return {iri for (iri,) in self._connection.execute("SELECT iri FROM name WHERE loose = ?", (loose,))}

    def _with_word(self, word: str, prefix: bool) -> Iterable[tuple[str, str]]:
        if prefix:
            rows = self._connection.execute(
                "SELECT key, iri FROM word WHERE word >= ? AND word < ?", (word, word + "\U0010ffff")
            )
        else:
            rows = self._connection.execute("SELECT key, iri FROM word WHERE word = ?", (word,))
        return [(key, iri) for key, iri in rows]


def _entry(row: tuple[str, str, str, str]) -> Entry:
    iri, name, kind, aliases = row
    return Entry(iri, name, kind, tuple(json.loads(aliases)))
