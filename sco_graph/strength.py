"""How strongly each relation evidences a connection between two entities: the one ranking paths use.

Four classes, strongest first: personal contact and offices held; organisational
ties; joint acts; statements, proposals and mentions. Every relation the rules in
:mod:`sco_graph.relations` can produce has a class here (a test holds the table to
the relations found in the data). Path search costs each hop by its class, adds
a penalty for passing through a hub, and takes a statement-only hop only when no
path within the hop limit does without one.
"""

from __future__ import annotations

import math

CONTACT = "contact"
TIE = "organisational tie"
ACT = "joint act"
STATEMENT = "statement"
CLASSES = (CONTACT, TIE, ACT, STATEMENT)  # strongest first

RANKING: dict[str, str] = {
    "met": CONTACT,
    "held a joint exercise with": CONTACT,
    "holds a position in": CONTACT,
    "member of": TIE,
    "observer of": TIE,
    "partner of": TIE,
    "applicant to": TIE,
    "partner organisation of": TIE,
    "part of": TIE,
    "located in": TIE,
    "founded": TIE,
    "was admitted to": TIE,
    "applied to join": TIE,
    "issued by": TIE,
    "implements": TIE,
    "signed a document with": ACT,
    "signed": ACT,
    "attended a summit of": ACT,
    "held a summit in": ACT,
    "met on the sidelines of": ACT,
    "gave an interview to": ACT,
    "spoke about": STATEMENT,
    "proposed": STATEMENT,
    "was reported about": STATEMENT,
}
# A hop's cost by class. A statement costs more than any path of ten stronger hops
# with their hub penalties, so a path with fewer statement-only hops always wins.
COSTS = {CONTACT: 1.0, TIE: 2.0, ACT: 3.0, STATEMENT: 1000.0}
# Two offices in a row (two holders of offices in one body, or one person's offices in two
# bodies) link through the body or the person, not by contact: both hops count as ties.
OFFICE = "holds a position in"
OFFICES_IN_A_ROW = 2 * (COSTS[TIE] - COSTS[CONTACT])
# Passing through an entity with d links costs HUB_WEIGHT * log2(1 + d) more.
HUB_WEIGHT = 0.5


def strength_of(relation: str) -> str:
    """The class of a relation; a membership status the table does not name is an organisational tie."""
    known = RANKING.get(relation)
    if known is not None:
        return known
    return TIE if relation.endswith(" of") else STATEMENT


def rank_of(relation: str) -> int:
    """0 for the strongest class, 3 for statements."""
    return CLASSES.index(strength_of(relation))


def cost_of(relation: str) -> float:
    return COSTS[strength_of(relation)]


def hub_penalty(links: int) -> float:
    return HUB_WEIGHT * math.log2(1 + links)


def relation_names() -> dict[str, str]:
    """Every relation name a user may give, in either direction, mapped to the name the index uses."""
    from sco_graph.relations import INVERSE

    names = {name: name for name in RANKING}
    names.update({inverse: name for name, inverse in INVERSE.items() if name in RANKING})
    return names
