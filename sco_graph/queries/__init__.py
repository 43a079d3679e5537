"""The questions sco-graph answers, as functions from a :class:`Graph` to result objects.

Every function takes plain arguments (names as typed, dates as
:class:`PartialDate`) and returns a typed result from :mod:`sco_graph.results`.
None of them prints; the CLI renders what they return.

One module per question, each with its helpers beside it: ``who_met``,
``neighbours``, ``path``, ``common``, ``timeline``, ``show``, ``search``, ``members``,
``stats``, and ``network`` (the relations ``draw network`` pictures). They
share ``order`` (the as-of day; the order of events and relations), ``edges``
(the relations touching a set of entities) and ``names`` (command-line words
read as names), and never import one another.

Every question is re-exported here, so ``queries.who_met(...)`` works; each
question's module is imported when the question is first asked, and the
modules import their heavy libraries inside the functions.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sco_graph.queries.common import common
    from sco_graph.queries.members import members
    from sco_graph.queries.names import names_from_words
    from sco_graph.queries.neighbours import neighbours
    from sco_graph.queries.network import network_edges
    from sco_graph.queries.path import path
    from sco_graph.queries.search import search
    from sco_graph.queries.show import show
    from sco_graph.queries.stats import stats
    from sco_graph.queries.timeline import timeline
    from sco_graph.queries.who_met import who_met

# Each question's module, imported when the question is first asked: a lookup loads only its own.
_HOMES = {
    "common": "common",
    "members": "members",
    "names_from_words": "names",
    "neighbours": "neighbours",
    "network_edges": "network",
    "path": "path",
    "search": "search",
    "show": "show",
    "stats": "stats",
    "timeline": "timeline",
    "who_met": "who_met",
}

__all__ = [
    "common",
    "members",
    "names_from_words",
    "neighbours",
    "network_edges",
    "path",
    "search",
    "show",
    "stats",
    "timeline",
    "who_met",
]


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f"{__name__}.{home}"), name)
    globals()[name] = value
    return value
