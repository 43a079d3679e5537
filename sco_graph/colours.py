"""One colour a type of entity, no two alike: pictures, the interactive page and GEXF exports share them."""

from __future__ import annotations

COLOURS = {
    "person": "#1f77b4",
    "unnamed office holder": "#9ecae1",
    "organisation": "#d62728",
    "organ": "#ff9896",
    "country": "#2ca02c",
    "place": "#8c564b",
    "memorandum": "#9467bd",
    "strategy": "#bcbd22",
    "appeal": "#17becf",
    "programme": "#ff7f0e",
    "document": "#c5b0d5",
    "initiative": "#e377c2",
    "entity": "#7f7f7f",
}
OTHER_COLOUR = "#7f7f7f"  # a type the table does not name


def colour(kind: str) -> str:
    """The type's colour as ``#rrggbb``."""
    return COLOURS.get(kind, OTHER_COLOUR)


def rgb(kind: str) -> tuple[int, int, int]:
    """The type's colour as red, green and blue from 0 to 255."""
    code = colour(kind)
    return int(code[1:3], 16), int(code[3:5], 16), int(code[5:7], 16)
