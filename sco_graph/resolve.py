"""Names to entities: the one resolver every command uses.

Matching ignores case, accents, punctuation, look-alike letters and invisible
characters, and knows common romanisation variants (Mirzaev, Mirzayev). A name
resolves when exactly one entity has it as a name or alias, as a whole-word
part of a name (a surname: ``Japarov``), or as a unique prefix. Anything else
raises: an unknown name with "did you mean" suggestions, an ambiguous one with
its candidates. The resolver never silently picks one of several entities.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from typing import NamedTuple

from sco_graph.errors import AmbiguousNameError, UnknownNameError, UsageError

MAX_NAME_LENGTH = 300

# Letters from other scripts that look like Latin ones, mapped to the Latin letter.
_LOOKALIKES = str.maketrans(
    {
        "а": "a", "в": "b", "е": "e", "ё": "e", "к": "k", "м": "m", "н": "h", "о": "o",
        "р": "p", "с": "c", "т": "t", "у": "y", "х": "x", "і": "i", "ј": "j", "ѕ": "s",
        "α": "a", "β": "b", "ε": "e", "ι": "i", "κ": "k", "ν": "v", "ο": "o", "ρ": "p",
        "τ": "t", "υ": "u", "χ": "x",
    }
)  # fmt: skip
_APOSTROPHES = re.compile(r"['’‘`´ʼʹ′]")
_NON_WORD = re.compile(r"[\W_]+")
# Romanisation variants of Cyrillic names, applied to both sides of a comparison.
_TRANSLIT = {
    "dzh": "j", "zh": "j", "kh": "h", "yev": "ev", "ye": "e", "yo": "o",
    "yu": "u", "iu": "u", "ya": "a", "ia": "a", "iy": "i", "ey": "ei",
    "yi": "i", "ii": "i", "y": "i", "w": "v", "ks": "x", "ck": "k",
}  # fmt: skip
# One left-to-right pass, longest spelling first at each position.
_TRANSLIT_PATTERN = re.compile("|".join(sorted(_TRANSLIT, key=len, reverse=True)))
_DOUBLED = re.compile(r"(.)\1+")


def normalize(text: str) -> str:
    """Fold a name for comparison: case, accents, look-alikes, punctuation, spacing."""
    folded = unicodedata.normalize("NFKD", text.casefold())
    folded = "".join(char for char in folded if not unicodedata.combining(char))
    folded = "".join(char for char in folded if unicodedata.category(char) not in ("Cf", "Cc"))
    folded = folded.translate(_LOOKALIKES)
    folded = _APOSTROPHES.sub("", folded)
    return " ".join(_NON_WORD.sub(" ", folded).split())


@lru_cache(maxsize=1 << 16)
def transliteration_key(normalized: str) -> str:
    """A looser key under which romanisation variants of one name coincide."""
    key = _TRANSLIT_PATTERN.sub(lambda match: _TRANSLIT[match.group()], normalized)
    return _DOUBLED.sub(r"\1", key).replace(" ", "")


class Entry(NamedTuple):
    """One entity as the resolver knows it."""

    iri: str
    name: str
    type: str
    aliases: tuple[str, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)


class Names:
    """Name resolution over some index of entities; subclasses say where the names live."""

    def get(self, iri: str) -> Entry | None:
        raise NotImplementedError

    def entries(self) -> Iterable[Entry]:
        """Every entity (for fuzzy search and suggestions only)."""
        raise NotImplementedError

    def _with_key(self, key: str) -> set[str]:
        """Entities with a name whose normalised form is ``key``."""
        raise NotImplementedError

    def _with_loose(self, loose: str) -> set[str]:
        """Entities with a name whose transliteration key is ``loose``."""
        raise NotImplementedError

    def _with_word(self, word: str, prefix: bool) -> Iterable[tuple[str, str]]:
        """(normalised name, entity) pairs whose name has the word (or a word starting with it)."""
        raise NotImplementedError

    def is_exact_name(self, text: str) -> bool:
        """Whether ``text`` is, up to case and punctuation, a name or alias of some entity."""
        return bool(self._with_key(normalize(text)))

    def resolve(self, text: str) -> Entry:
        """The single entity ``text`` names; raise when it names none or several."""
        query = check_name(text)
        key = normalize(query)
        if not key:
            raise UsageError(f"name {query!r} has no letters or digits to match")
        for candidates in self._tiers(key):
            if len(candidates) == 1:
                entry = self.get(next(iter(candidates)))
                assert entry is not None
                return entry
            if len(candidates) > 1:
                names = tuple(sorted(entry.name for iri in candidates if (entry := self.get(iri))))
                raise AmbiguousNameError(
                    f"{query!r} is ambiguous: it could be {_listing(names)}; use a fuller name",
                    names,
                )
        suggestions = self.suggest(query)
        hint = f"; did you mean {_listing(suggestions)}?" if suggestions else ""
        raise UnknownNameError(f"no entity is called {query!r}{hint}", suggestions)

    def _tiers(self, key: str) -> Iterable[set[str]]:
        yield self._with_key(key)
        yield self._with_loose(transliteration_key(key))
        words = [transliteration_key(word) for word in key.split()]
        for prefix in (False, True):
            anchor_is_prefix = prefix and len(words) == 1
            candidates = self._with_word(words[0], anchor_is_prefix)
            yield {
                iri
                for name, iri in candidates
                if _contains_words([transliteration_key(word) for word in name.split()], words, prefix=prefix)
            }

    def suggest(self, text: str, limit: int = 3) -> tuple[str, ...]:
        """Names that look like ``text``, best first (suggestions only, never a match)."""
        return tuple(match.entry.name for match in self.search(text, limit=limit, cutoff=60.0))

    def search(self, text: str, limit: int = 10, cutoff: float = 0.0) -> list[Match]:
        """Fuzzy search over names and aliases: each entity once, by its best-scoring name."""
        from rapidfuzz import fuzz, process, utils

        query = normalize(check_name(text))
        if not query:
            return []
        entries = {entry.iri: entry for entry in self.entries()}
        choices: dict[tuple[str, str], str] = {}
        for entry in entries.values():
            for name in entry.names:
                choices[(entry.iri, name)] = normalize(name)
        best: dict[str, Match] = {}
        results = process.extract(
            query, choices, scorer=fuzz.WRatio, processor=utils.default_process, limit=None, score_cutoff=cutoff
        )
        for _, score, (iri, name) in results:
            current = best.get(iri)
            if current is None or score > current.score:
                best[iri] = Match(entries[iri], name, round(float(score), 1))
        ranked = sorted(best.values(), key=lambda match: (-match.score, match.entry.name, match.entry.iri))
        return ranked[:limit]


class Directory(Names):
    """Every entity's names held in memory (for endpoints and small in-memory data)."""

    def __init__(self, entries: dict[str, Entry]) -> None:
        self.by_iri = entries
        self._exact: dict[str, set[str]] = {}
        self._loose: dict[str, set[str]] = {}
        self._words: dict[str, set[tuple[str, str]]] = {}
        for entry in entries.values():
            for name in entry.names:
                key = normalize(name)
                if key:
                    self._exact.setdefault(key, set()).add(entry.iri)
                    self._loose.setdefault(transliteration_key(key), set()).add(entry.iri)
                    for word in key.split():
                        self._words.setdefault(transliteration_key(word), set()).add((key, entry.iri))

    def get(self, iri: str) -> Entry | None:
        return self.by_iri.get(iri)

    def entries(self) -> Iterable[Entry]:
        return self.by_iri.values()

    def _with_key(self, key: str) -> set[str]:
        return self._exact.get(key, set())

    def _with_loose(self, loose: str) -> set[str]:
        return self._loose.get(loose, set())

    def _with_word(self, word: str, prefix: bool) -> Iterable[tuple[str, str]]:
        if not prefix:
            return self._words.get(word, set())
        return {pair for known, pairs in self._words.items() if known.startswith(word) for pair in pairs}


class Match(NamedTuple):
    entry: Entry
    matched: str
    score: float


def _contains_words(name_words: list[str], query_words: list[str], prefix: bool = False) -> bool:
    """Whether the query words are whole words of the name, in order (the last one a prefix with ``prefix``)."""
    position = 0
    for number, word in enumerate(query_words):
        last = prefix and number == len(query_words) - 1
        while position < len(name_words):
            candidate = name_words[position]
            position += 1
            if candidate == word or (last and candidate.startswith(word)):
                break
        else:
            return False
    return True


def _listing(names: tuple[str, ...]) -> str:
    shown = [repr(name) for name in names[:6]]
    more = f" and {len(names) - 6} more" if len(names) > 6 else ""
    return ", ".join(shown) + more


def check_name(text: str) -> str:
    """Reject names no entity could have: empty, overlong, or made of control characters."""
    stripped = text.strip()
    if not stripped:
        raise UsageError("a name is required and it may not be empty or blank")
    if len(stripped) > MAX_NAME_LENGTH:
        raise UsageError(f"a name may be at most {MAX_NAME_LENGTH} characters long ({len(stripped)} given)")
    return stripped
