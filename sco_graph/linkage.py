"""The relation rules as one SPARQL pattern, so a server can count links without sending them.

:func:`linked_pattern` binds ``?x`` and ``?y`` to every pair of entities some
relation links, in both directions, under the same rules that build the path
index (:mod:`sco_graph.mirror`): the event rules of :mod:`sco_graph.relations`
(an event counts as its most specific type only), the two ends of positions,
memberships with a status and partnerships, and the relations entities state
themselves. Aggregates over it give each entity's number of linked entities
(what makes it a hub) and the number of linked pairs, on the server.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache

from sco_graph.model import ENTITY_TYPES, EVENT_TYPES, FACT_TYPES, SCO
from sco_graph.relations import ENTITY_RELATIONS, EVENT_RULES, ROLE_PREDICATES
from sco_graph.terms import IRI

_FACT_ENDS = {
    "position": ("holder", "organisation"),
    "membership": ("member", "organisation"),
    "partnership": ("party", "party"),
}


def _roles(roles: Iterable[str]) -> str:
    return "|".join(IRI(ROLE_PREDICATES[role]).n3() for role in roles)


def _only(kind_iri: str, table: dict[str, str], before: Iterable[str] = ()) -> str:
    """``?n`` has this class and none listed before it (the rules read a node as its first class)."""
    higher = [*before, *list(table)[: list(table).index(kind_iri)]]
    if not higher:
        return f"?n a {IRI(kind_iri).n3()} ."
    listed = ", ".join(IRI(iri).n3() for iri in higher)
    return f"?n a {IRI(kind_iri).n3()} . FILTER NOT EXISTS {{ ?n a ?higher FILTER(?higher IN ({listed})) }}"


def _pair(node: str, first: str, second: str, symmetric: bool) -> list[str]:
    """Both ends' patterns, ``?x`` first: engines follow the written order, so they start from ``?x``."""
    ends = [f"?n {first} ?x . {node} ?n {second} ?y ."]
    if not symmetric:
        ends.append(f"?n {second} ?x . {node} ?n {first} ?y .")
    return ends


def linked_pattern(values: str = "") -> str:
    """A group graph pattern binding every linked (``?x``, ``?y``), both ways, ``?x`` never ``?y``.

    ``values`` (a ``VALUES ?x`` block) is repeated at the start of every branch: engines then start each
    branch from the entities given, where a block outside the union would be joined after it.
    """
    union = " UNION ".join(f"{{ {values} {branch} }}" for branch in _branches())
    return f"{{ {union} }} FILTER(isIRI(?x) && isIRI(?y) && ?x != ?y)"


@cache
def _branches() -> tuple[str, ...]:
    branches: list[str] = []
    names = {name: iri for iri, name in EVENT_TYPES.items()}
    for rule in EVENT_RULES:
        node = _only(names[rule.event_type], EVENT_TYPES)
        if rule.targets:
            branches += _pair(node, f"({_roles(rule.sources)})", f"({_roles(rule.targets)})", symmetric=False)
        else:
            branches += _pair(node, f"({_roles(rule.sources)})", f"({_roles(rule.sources)})", symmetric=True)
    facts = {name: iri for iri, name in FACT_TYPES.items()}
    for kind, (one, other) in _FACT_ENDS.items():
        node = _only(facts[kind], FACT_TYPES, before=EVENT_TYPES)
        if kind == "membership":
            node += f" FILTER EXISTS {{ ?n {IRI(SCO + 'status').n3()} ?status FILTER(isIRI(?status)) }}"
        branches += _pair(node, f"<{ROLE_PREDICATES[one]}>", f"<{ROLE_PREDICATES[other]}>", symmetric=one == other)
    kinds = ", ".join(IRI(iri).n3() for iri in ENTITY_TYPES)
    stated = "|".join(IRI(iri).n3() for iri in ENTITY_RELATIONS)
    branches.append(f"?x ({stated}) ?y . ?x a ?kind . FILTER(?kind IN ({kinds}))")
    branches.append(f"?y ({stated}) ?x . ?y a ?kind . FILTER(?kind IN ({kinds}))")
    return tuple(branches)


def links_query(iris: Iterable[str]) -> str:
    """How many entities each of ``iris`` is linked to: rows of ``?x`` and ``?links``."""
    listed = " ".join(IRI(iri).n3() for iri in sorted(set(iris)))
    pattern = linked_pattern(f"VALUES ?x {{ {listed} }}")
    return f"SELECT ?x (COUNT(DISTINCT ?y) AS ?links) WHERE {{ {pattern} }} GROUP BY ?x"
