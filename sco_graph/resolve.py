"""Names to entities: the one resolver every command uses.

Matching ignores case, accents, punctuation, look-alike letters and invisible
characters, and knows common romanisation variants (Mirzaev, Mirzayev). A name
resolves when exactly one entity has it as a name or alias, as a whole-word
part of a name (a surname: ``Japarov``), or as a unique, deliberate prefix
(``Khachat``: at least :data:`MIN_PREFIX` letters, or, after whole words, half
the word it shortens). Anything else raises: an unknown name with "did you
mean" suggestions (prefixes too short to count, then names scoring at least
:data:`SUGGESTION_CUTOFF` against it), an ambiguous one with its candidates. The
resolver never silently picks one of several entities.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from typing import NamedTuple

from sco_graph.errors import AmbiguousNameError, UnknownNameError, UsageError

MAX_NAME_LENGTH = 300
# Letters a lone prefix needs to be taken as a deliberate abbreviation: "Xi" must not mean Xinhua.
MIN_PREFIX = 4
# token_sort_ratio a name needs to be suggested as a plausible misspelling. On the bundled data
# true misspellings score 75 and up (Khachaturyan, CTSO, Iram, Mirzoyev) and unrelated names
# below it ("Putin" scores 60 against the EU, "Astana" 71 against Pakistan).
SUGGESTION_CUTOFF = 75.0

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
_DOUBLED = re.compile(r"(\D)\1+")  # doubled letters fold to one; digits never do (10 is not 100)


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

    def prefetch(self, iris: Iterable[str]) -> None:
        """Get ready to name these entities (an endpoint names them in one query); local indexes need nothing."""
        del iris

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

    def complete(self, typed: list[str], incomplete: str, limit: int = 50) -> list[str]:
        """Words that continue a name being typed: from names holding the words already typed, in order.

        ``typed`` are the whole words before the cursor, ``incomplete`` the start of the next
        (folded as names are: ``mirz`` offers ``Mirzaev``). At most ``limit``, sorted.
        """
        start = normalize(incomplete)
        if not start or len(start.split()) > 1:
            return []
        before = [transliteration_key(word) for word in normalize(" ".join(typed)).split()]
        found: set[str] = set()
        for _, iri in self._with_word(transliteration_key(start), True):
            entry = self.get(iri)
            for name in entry.names if entry else ():
                words = name.split()
                keys = [transliteration_key(normalize(word)) for word in words]
                for position, word in enumerate(words):
                    if normalize(word).startswith(start) and _contains_words(keys[:position], before):
                        found.add(word.strip(",;:()"))
        return sorted(found, key=str.casefold)[:limit]

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
            if candidates:
                return self._single(query, candidates)
        prefixed = self._prefixed(key)
        typed = key.split()
        if any(_deliberate(typed, completion) for completion in prefixed.values()):
            return self._single(query, set(prefixed))
        raise self._unknown(query, prefixed)

    def _tiers(self, key: str) -> Iterable[set[str]]:
        """Entities by exact name, by romanisation variant, then by whole words of a name."""
        yield self._with_key(key)
        yield self._with_loose(transliteration_key(key))
        words = [transliteration_key(word) for word in key.split()]
        yield {
            iri
            for name, iri in self._with_word(words[0], False)
            if _contains_words([transliteration_key(word) for word in name.split()], words)
        }

    def _prefixed(self, key: str) -> dict[str, str]:
        """Entities a name of which ``key`` shortens (its last word a prefix), with the shortest word completed."""
        words = [transliteration_key(word) for word in key.split()]
        found: dict[str, str] = {}
        for name, iri in self._with_word(words[0], len(words) == 1):
            completion = _completion([transliteration_key(word) for word in name.split()], words)
            if completion is not None and (iri not in found or len(completion) < len(found[iri])):
                found[iri] = completion
        return found

    def _single(self, query: str, candidates: set[str]) -> Entry:
        if len(candidates) == 1:
            entry = self.get(next(iter(candidates)))
            assert entry is not None
            return entry
        names = tuple(sorted(entry.name for iri in candidates if (entry := self.get(iri))))
        raise AmbiguousNameError(f"{query!r} is ambiguous: it could be {_listing(names)}; use a fuller name", names)

    def _unknown(self, query: str, short: dict[str, str], limit: int = 3) -> UnknownNameError:
        """The error for a name nothing matches: prefixes too short to count first, then similar names."""
        lengths = sorted(len(completion) for completion in short.values())[:limit]
        closest = [iri for iri, completion in short.items() if lengths and len(completion) <= lengths[-1]]
        entries = [entry for iri in closest if (entry := self.get(iri))]  # only these are looked up
        entries.sort(key=lambda entry: (len(short[entry.iri]), len(entry.name), entry.name, entry.iri))
        suggestions = tuple(entry.name for entry in entries[:limit])
        if len(suggestions) < limit:
            suggestions = tuple(dict.fromkeys((*suggestions, *self.suggest(query, limit))))[:limit]
        reason = f", and {query!r} is too short to stand for a longer name" if short else ""
        if suggestions:
            return UnknownNameError(
                f"no entity is called {query!r}{reason}; did you mean {_listing(suggestions)}?", suggestions
            )
        return UnknownNameError(
            f"no entity is called {query!r}, and no known name is similar; try `sco-graph search` to look for it"
        )

    def suggest(self, text: str, limit: int = 3) -> tuple[str, ...]:
        """Names similar enough to ``text`` to be a misspelling of it, best first (never a match).

        Each name and alias is compared whole (words in any order), and so are runs of its
        words as many as the query's when the query covers at least half the name
        (``Khachaturyan`` against ``Yury Khachaturov``). Scores below
        :data:`SUGGESTION_CUTOFF` are dropped.
        """
        from rapidfuzz import fuzz, process

        query = normalize(check_name(text))
        if not query:
            return ()
        width = len(query.split())
        names: dict[str, str] = {}
        choices: dict[tuple[str, str], str] = {}
        for entry in self.entries():
            names[entry.iri] = entry.name
            for name in entry.names:
                for part in _comparable_parts(normalize(name), width):
                    choices[(entry.iri, part)] = part
        best: dict[str, float] = {}
        results = process.extract(
            query, choices, scorer=fuzz.token_sort_ratio, limit=None, score_cutoff=SUGGESTION_CUTOFF
        )
        for _, score, (iri, _) in results:
            best[iri] = max(best.get(iri, 0.0), float(score))
        ranked = sorted(best, key=lambda iri: (-best[iri], names[iri], iri))
        return tuple(names[iri] for iri in ranked[:limit])

    def search(self, text: str, limit: int = 10, cutoff: float = 0.0) -> list[Match]:
        """Fuzzy search over names and aliases: each entity once, by its best-scoring name.

        Only names sharing a run of three letters with the text (after folding,
        see :func:`stems`) are scored, so an endpoint can find the same names
        without sending them all.
        """
        from rapidfuzz import fuzz, process, utils

        query = normalize(check_name(text))
        if not query:
            return []
        runs = stems(transliteration_key(query))
        entries = {entry.iri: entry for entry in self.entries()}
        choices: dict[tuple[str, str], str] = {}
        for entry in entries.values():
            for name in entry.names:
                key = normalize(name)
                loose = transliteration_key(key)
                if any(run in loose for run in runs):
                    choices[(entry.iri, name)] = key
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


def stems(key: str, width: int = 3) -> list[str]:
    """The runs of ``width`` letters of a transliteration key (the key itself when shorter), each once."""
    if len(key) <= width:
        return [key] if key else []
    return list(dict.fromkeys(key[start : start + width] for start in range(len(key) - width + 1)))


class Match(NamedTuple):
    entry: Entry
    matched: str
    score: float


def _contains_words(name_words: list[str], query_words: list[str]) -> bool:
    """Whether the query words are whole words of the name, in order."""
    position = 0
    for word in query_words:
        while position < len(name_words):
            position += 1
            if name_words[position - 1] == word:
                break
        else:
            return False
    return True


def _completion(name_words: list[str], query_words: list[str]) -> str | None:
    """The shortest word of the name the last query word begins, the others whole words before it, in order."""
    *whole, last = query_words
    position = 0
    for word in whole:
        while position < len(name_words) and name_words[position] != word:
            position += 1
        if position == len(name_words):
            return None
        position += 1
    completions = [word for word in name_words[position:] if word.startswith(last)]
    return min(completions, key=len) if completions else None


def _deliberate(typed: list[str], completion: str) -> bool:
    """Whether a typed prefix is long enough to be meant: MIN_PREFIX letters, or after whole words half the word."""
    last = typed[-1]
    return len(last) >= MIN_PREFIX or (len(typed) > 1 and 2 * len(transliteration_key(last)) >= len(completion))


def _comparable_parts(name: str, width: int) -> Iterable[str]:
    """The name, and runs of ``width`` of its words when they cover at least half of it."""
    yield name
    words = name.split()
    if width < len(words) <= 2 * width:
        for start in range(len(words) - width + 1):
            yield " ".join(words[start : start + width])


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
