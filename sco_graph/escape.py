"""Untrusted text made safe to show: control characters become visible escapes.

Labels, quotes, file names and endpoint answers are data, and data may hold
bytes that a terminal executes (ESC sequences, OSC 8 hyperlinks, BEL), line
breaks that forge table rows, or bidirectional overrides that reorder what is
shown. Every renderer passes text through these functions:

- :func:`visible` for terminals, plain text, CSV and one-line messages:
  ``"\\x1b[2J"`` is shown as the six characters ``\\x1b[2J``;
- :func:`json_text` for JSON already encoded by :mod:`json`, which escapes C0
  controls itself but leaves DEL, C1 controls and U+2028/U+2029 raw;
- :func:`rdf_text` for N-Triples and Turtle, where ``\\uXXXX`` is a valid
  escape in IRIs and strings alike, so the data is unchanged;
- :func:`xml_text` for SVG, GraphML and GEXF, which must stay well-formed XML.
"""

from __future__ import annotations

import re

# C0 controls (tab and line breaks included), DEL, C1 controls, the Unicode line and paragraph
# separators, and the bidirectional embedding, override and isolate controls.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
# The same, less the whitespace that RDF and JSON syntax use between tokens.
_UNSAFE_IN_SYNTAX = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
# What XML 1.0 cannot hold at all, plus the controls a reader would still execute when shown.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff\u202a-\u202e\u2066-\u2069]")

_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    named = _NAMED.get(char)
    if named:
        return named
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def _unicode_escape(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04X}"


def visible(text: str) -> str:
    """``text`` with every control character shown as a backslash escape (``\\n``, ``\\x1b``, ``\\u202e``)."""
    return _UNSAFE.sub(_escape, text) if _UNSAFE.search(text) else text


def one_line(text: str) -> str:
    """A message for stderr: whitespace runs collapsed to one space, then every control character made visible."""
    return visible(" ".join(text.split()))


def json_text(encoded: str) -> str:
    """JSON text with the characters :mod:`json` leaves raw written as ``\\uXXXX`` (the value is unchanged)."""
    return _UNSAFE_IN_SYNTAX.sub(_unicode_escape, encoded)


def rdf_text(serialised: str) -> str:
    """N-Triples or Turtle with raw control characters written as ``\\uXXXX`` (the data is unchanged)."""
    return _UNSAFE_IN_SYNTAX.sub(_unicode_escape, serialised)


def xml_text(text: str) -> str:
    """Text for an XML document: what XML cannot hold, and controls a viewer would run, made visible."""
    return _NOT_XML.sub(_escape, text) if _NOT_XML.search(text) else text
