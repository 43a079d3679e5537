"""Name matching a SPARQL server can do: regular expressions that fold names as :mod:`sco_graph.resolve` does.

A server knows nothing of sco-graph's folding (case, accents, look-alike
letters, romanisation variants). To find candidates for a name without
reading every name, a query sends a regular expression built from the name's
transliteration key: each letter becomes the class of every character that
folds to it (``a`` matches ``A``, ``á``, ``Ä``, Cyrillic ``а``...), each
romanised letter also matches its other spellings (``j`` matches ``zh`` and
``dzh``), every letter may repeat (doubled letters fold to one), and any run
of separators, apostrophes, invisible characters and combining marks may sit
between two letters.

The expressions use only what XPath, Rust and PCRE regular expressions share
(classes, groups, ``|``, ``+``, ``*``), never a flag. They match a superset of
the names that fold to the key; the caller always checks candidates again with
the exact folding, so a server that matches a little more costs a few bytes and
never a wrong answer.
"""

from __future__ import annotations

import unicodedata
from functools import cache

from sco_graph.resolve import normalize

# The other spellings a letter of a transliteration key stands for (the inverse of resolve._TRANSLIT).
_SPELLINGS = {
    "j": ("j", "zh", "dzh"),
    "h": ("h", "kh"),
    "e": ("e", "ye"),
    "o": ("o", "yo"),
    "u": ("u", "yu", "iu"),
    "a": ("a", "ya", "ia"),
    "i": ("i", "y"),
    "v": ("v", "w"),
    "x": ("x", "ks"),
    "k": ("k", "c"),
}
# Blocks searched for characters that fold to a Latin letter or digit.
_BLOCKS = (
    (0x0030, 0x007F),  # ASCII
    (0x00C0, 0x024F),  # Latin-1 Supplement, Latin Extended-A and -B
    (0x0370, 0x03FF),  # Greek look-alikes
    (0x0400, 0x04FF),  # Cyrillic look-alikes
    (0x1E00, 0x1EFF),  # Latin Extended Additional
    (0xFF10, 0xFF5A),  # full-width digits and letters
)
_META = set("\\^$.|?*+()[]{}-")
# Characters folding drops or turns into a space: spaces, punctuation, apostrophes, invisibles, combining marks.
_SEPARATORS = (
    " \t\n\r\u00a0\u00ad\u2000-\u200f\u2028-\u202f\u205f-\u206f\u3000\ufeff\u0300-\u036f"
    "!-/:-@\\[-`{-~\u00a1-\u00bf\u2010-\u2027\u2030-\u205e\u02b9-\u02bc"
)


def _escape(char: str) -> str:
    return "\\" + char if char in _META else char


@cache
def _folds() -> dict[str, str]:
    """Each Latin letter and digit, with the class body of every character that folds to it."""
    found: dict[str, list[str]] = {}
    for low, high in _BLOCKS:
        for point in range(low, high + 1):
            char = chr(point)
            if unicodedata.category(char)[0] not in "LN":
                continue
            folded = normalize(char)
            if len(folded) == 1 and folded.isascii() and folded.isalnum():
                found.setdefault(folded, []).append(_escape(char))
    return {letter: "".join(chars) for letter, chars in found.items()}


def _letter(char: str) -> str:
    """A class matching every character that folds to ``char``."""
    body = _folds().get(char)
    if body is None:
        return _escape(char)  # a letter of another script: itself (folding keeps it)
    return f"[{body}]"


def _key_letter(char: str) -> str:
    """One letter of a transliteration key: any of its spellings, repeated, separators allowed inside."""
    gap = f"[{_SEPARATORS}]*"
    spellings = [gap.join(_letter(part) for part in spelling) for spelling in _SPELLINGS.get(char, (char,))]
    group = spellings[0] if len(spellings) == 1 else "(" + "|".join(spellings) + ")"
    return f"({group}{gap})+"


def key_pattern(key: str) -> str:
    """A regular expression finding, anywhere in a name, text whose transliteration key contains ``key``."""
    return "".join(_key_letter(char) for char in key)


def any_of(keys: list[str]) -> str:
    """A regular expression finding any of the keys."""
    return "|".join(f"({key_pattern(key)})" for key in keys)
