"""The compiled name index: every entity's names in SQLite, beside the compiled store.

Resolving a name then costs a few indexed look-ups instead of loading and
normalising every name on each run, which keeps lookups instant on data with
hundreds of thousands of entities. The index is opened read-only and
immutable (never written after its build); damage found while reading it is
handed to the caller's ``damaged`` callback, which removes the cache entry and
stops with a clean error rather than a traceback on every run.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, NoReturn

from sco_graph.resolve import Entry, Names, normalize, transliteration_key

TABLES = """
CREATE TABLE entity (iri TEXT PRIMARY KEY, name TEXT NOT NULL, type TEXT NOT NULL, aliases TEXT NOT NULL);
CREATE TABLE name (key TEXT NOT NULL, loose TEXT NOT NULL, iri TEXT NOT NULL);
CREATE TABLE word (word TEXT NOT NULL, key TEXT NOT NULL, iri TEXT NOT NULL);
"""
INDEXES = """
CREATE INDEX name_key ON name (key);
CREATE INDEX name_loose ON name (loose);
CREATE INDEX word_word ON word (word);
"""
SCHEMA = TABLES + INDEXES


def write_index(entries: Iterable[Entry], path: Path) -> None:
    """Write the entities' names as a SQLite name index at ``path`` (a new file).

    The file is written inside a build folder that is discarded unless the whole build
    succeeds, so it goes without a journal or syncs, and its indexes are made after the
    rows are in (one sort each instead of a B-tree insertion per row).
    """
    connection = sqlite3.connect(path)
    try:
        connection.execute("PRAGMA journal_mode = OFF")
        connection.execute("PRAGMA synchronous = OFF")
        connection.executescript(TABLES)
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
        connection.executescript(INDEXES)
        connection.commit()
    finally:
        connection.close()


def _refuse(error: Exception) -> NoReturn:
    raise error


class IndexedNames(Names):
    """Names resolved through the SQLite index of a compiled store."""

    def __init__(self, path: Path, damaged: Callable[[Exception], NoReturn] = _refuse) -> None:
        self._path = path
        self._damaged = damaged
        self._connection: sqlite3.Connection | None = None
        self._cache: dict[str, Entry | None] = {}

    def _rows(self, query: str, parameters: tuple[str, ...] = ()) -> list[Any]:
        """Every row of ``query``; a damaged or vanished index goes to the ``damaged`` callback."""
        try:
            if self._connection is None:
                self._connection = sqlite3.connect(f"{self._path.as_uri()}?mode=ro&immutable=1", uri=True)
            return self._connection.execute(query, parameters).fetchall()
        except (sqlite3.DatabaseError, ValueError, TypeError) as error:  # bad rows raise ValueError/TypeError
            self._damaged(error)

    def get(self, iri: str) -> Entry | None:
        if iri not in self._cache:
            rows = self._rows("SELECT iri, name, type, aliases FROM entity WHERE iri = ?", (iri,))
            self._cache[iri] = self._entry(rows[0]) if rows else None
        return self._cache[iri]

    def entries(self) -> Iterable[Entry]:
        return [self._entry(row) for row in self._rows("SELECT iri, name, type, aliases FROM entity")]

    def _with_key(self, key: str) -> set[str]:
        return {str(iri) for (iri,) in self._rows("SELECT iri FROM name WHERE key = ?", (key,))}

    def _with_loose(self, loose: str) -> set[str]:
        return {str(iri) for (iri,) in self._rows("SELECT iri FROM name WHERE loose = ?", (loose,))}

    def _with_word(self, word: str, prefix: bool) -> Iterable[tuple[str, str]]:
        if prefix:
            rows = self._rows("SELECT key, iri FROM word WHERE word >= ? AND word < ?", (word, word + "\U0010ffff"))
        else:
            rows = self._rows("SELECT key, iri FROM word WHERE word = ?", (word,))
        return [(str(key), str(iri)) for key, iri in rows]

    def _entry(self, row: Any) -> Entry:
        try:
            return _entry(row)
        except (ValueError, TypeError) as error:  # a damaged row: not the JSON or the types written
            self._damaged(error)


def _entry(row: tuple[str, str, str, str]) -> Entry:
    iri, name, kind, aliases = row
    listed = json.loads(aliases)
    if not all(isinstance(value, str) for value in (iri, name, kind)) or not isinstance(listed, list):
        raise TypeError("a row of the name index is not as written")
    return Entry(iri, name, kind, tuple(str(alias) for alias in listed))
