"""Search over the :class:`~sco_graph.mirror.PathIndex`: the best-explained paths, neighbourhood sizes.

A path's cost is the sum of its hops' costs (each hop by the class of its
strongest allowed relation, see :mod:`sco_graph.strength`) plus a penalty for
every hub it passes through. A best-first (A*) walk over simple paths lists
paths cheapest first: a Dijkstra search from the far end gives every entity a
lower bound of its cost still to go, and a breadth-first search the hops still
to go, so the walk only takes steps that can still arrive within ``max_hops``.
With ``chronological`` each hop must be no earlier than the one before.

Simple paths can be exponentially many: in a cluster where everyone met
everyone, the walk may try millions of detours that never reach the end. Every
walk therefore runs on a budget of steps (each link looked at is a step); when
it is spent, the search stops and says so. Paths come cheapest first, so a
search that stops early has still listed every path cheaper than the ones it
was weighing.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Iterator, Sequence
from typing import NamedTuple

from sco_graph.mirror import FOREVER, NOT_BEFORE, PathIndex
from sco_graph.strength import hub_penalty

# About a quarter of a second of walking in CPython: far more than any sensible
# question needs, far less than the hours an exhaustive walk can take.
STEP_BUDGET = 300_000
TIE = 1e-9  # costs closer than this are equal (sums of the same terms in another order)


class Found(NamedTuple):
    """Paths as lists of node numbers, cheapest first, the index entry of each hop, costs, and completeness."""

    paths: list[list[int]]
    complete: bool
    links: list[list[int]] = []  # noqa: RUF012 - a NamedTuple default, never mutated
    costs: list[float] = []  # noqa: RUF012


class Rules(NamedTuple):
    """What a search may use: a cost per relation kind (None: not allowed), the day, entities to avoid."""

    costs: Sequence[float | None]
    day: int | None = None
    avoid: frozenset[int] = frozenset()
    chronological: bool = False
    twice: tuple[int, float] | None = None  # (kind, extra): two hops in a row of this kind cost ``extra`` more


class _Budget:
    """Steps left to a search; once spent, it stays spent."""

    def __init__(self, steps: int) -> None:
        self.left = steps

    def spend(self, steps: int = 1) -> bool:
        """Take ``steps`` from the budget; ``False`` when there were not enough left."""
        self.left -= steps
        return self.left >= 0

    @property
    def spent(self) -> bool:
        return self.left < 0


def _links(index: PathIndex, node: int, rules: Rules) -> Iterator[tuple[int, int, float]]:
    """(neighbour, entry, cost) of every allowed link from ``node`` holding on the rules' day."""
    costs, day, avoid, kinds, targets = rules.costs, rules.day, rules.avoid, index.kinds, index.targets
    for k in range(index.offsets[node], index.offsets[node + 1]):
        cost = costs[kinds[k]]
        if cost is None or targets[k] in avoid or (day is not None and not index.holds(k, day)):
            continue
        yield targets[k], k, cost


def distances(index: PathIndex, start: int, *, rules: Rules, limit: int) -> dict[int, int]:
    """Hop counts from ``start`` to every node within ``limit`` hops, over the links the rules allow."""
    seen = {start: 0}
    frontier = [start]
    for hop in range(1, limit + 1):
        following = []
        for node in frontier:
            for neighbour, _, _ in _links(index, node, rules):
                if neighbour not in seen:
                    seen[neighbour] = hop
                    following.append(neighbour)
        if not following:
            break
        frontier = following
    return seen


def _costs_to(index: PathIndex, end: int, start: int, rules: Rules) -> tuple[dict[int, float], float]:
    """Dijkstra from ``end`` until ``start`` is settled: exact costs to go, and a floor for the unsettled."""
    settled: dict[int, float] = {}
    best = {end: 0.0}
    heap = [(0.0, end)]
    while heap:
        cost, node = heapq.heappop(heap)
        if node in settled:
            continue
        settled[node] = cost
        if node == start:
            return settled, cost
        through = cost + (0.0 if node == end else hub_penalty(index.links(node)))
        for neighbour, _, step in _links(index, node, rules):
            total = through + step
            if total < best.get(neighbour, float("inf")):
                best[neighbour] = total
                heapq.heappush(heap, (total, neighbour))
    return settled, float("inf")


def _step(index: PathIndex, entry: int, time: int) -> int | None:
    """The time after taking ``entry`` at ``time`` on a time-respecting path, or None if it came before."""
    if index.last[entry] < time:
        return None
    first = index.first[entry]
    return time if first == FOREVER else max(time, first)


def _choices(index: PathIndex, node: int, time: int, rules: Rules) -> dict[int, tuple[float, int, int]]:
    """The best link to each neighbour: (cost, entry, time after it)."""
    best: dict[int, tuple[float, int, int]] = {}
    for neighbour, entry, cost in _links(index, node, rules):
        after = _step(index, entry, time) if rules.chronological else time
        if after is None:
            continue
        old = best.get(neighbour)
        if old is None or (cost, after) < (old[0], old[2]):
            best[neighbour] = (cost, entry, after)
    return best


def _extra(index: PathIndex, rules: Rules, entries: tuple[int, ...], entry: int) -> float:
    if rules.twice is None or not entries:
        return 0.0
    kind, extra = rules.twice
    return extra if index.kinds[entries[-1]] == kind == index.kinds[entry] else 0.0


def best_paths(
    index: PathIndex,
    start: int,
    end: int,
    *,
    rules: Rules,
    max_hops: int,
    limit: int,
    budget: int = STEP_BUDGET,
) -> Found:
    """Up to ``limit`` simple paths of at most ``max_hops`` hops, cheapest first, within ``budget`` steps."""
    to_end = distances(index, end, rules=rules, limit=max_hops)
    if start not in to_end:
        return Found([], complete=True)
    settled, floor = _costs_to(index, end, start, rules)
    steps = _Budget(budget)
    found: list[list[int]] = []
    links: list[list[int]] = []
    costs: list[float] = []
    counter = 0
    # (estimate, cost so far, tie-breaker, nodes, entries, time)
    heap: list[tuple[float, float, int, tuple[int, ...], tuple[int, ...], int]] = [
        (floor, 0.0, 0, (start,), (), NOT_BEFORE)
    ]
    # Paths as cheap as the last one wanted are all taken, then ordered by their entities' IRIs: which of
    # equally cheap paths come first never depends on the search's internal order.
    while heap and (len(found) < limit or heap[0][0] <= costs[limit - 1] + TIE):
        if not steps.spend(1 + index.degree(heap[0][3][-1])):
            break
        _, cost, _, nodes, entries, time = heapq.heappop(heap)
        node = nodes[-1]
        if node == end:
            found.append(list(nodes))
            links.append(list(entries))
            costs.append(cost)
            continue
        through = cost + (hub_penalty(index.links(node)) if node != start else 0.0)
        for neighbour, (step, entry, after) in _choices(index, node, time, rules).items():
            if neighbour in nodes or len(nodes) + to_end.get(neighbour, max_hops + 1) > max_hops:
                continue
            total = through + step + _extra(index, rules, entries, entry)
            counter += 1
            estimate = total + settled.get(neighbour, floor)
            heapq.heappush(heap, (estimate, total, counter, (*nodes, neighbour), (*entries, entry), after))
    ranked = _in_order(index, found, costs)[:limit]
    return Found([found[k] for k in ranked], not steps.spent, [links[k] for k in ranked], [costs[k] for k in ranked])


def _in_order(index: PathIndex, found: list[list[int]], costs: list[float]) -> list[int]:
    """Positions of the paths cheapest first, equally cheap ones by their entities' IRIs."""
    order = sorted(range(len(found)), key=lambda k: costs[k])
    groups: list[list[int]] = []
    for k in order:
        if groups and costs[k] - costs[groups[-1][0]] <= TIE:
            groups[-1].append(k)
        else:
            groups.append([k])
    return [k for group in groups for k in sorted(group, key=lambda k: [index.nodes[n] for n in found[k]])]


def neighbourhood_size(index: PathIndex, starts: Iterable[int], *, day: int | None, depth: int, above: int) -> int:
    """How many entities lie within ``depth`` hops of ``starts``; counting stops once past ``above``.

    The answer is exact up to ``above`` and some number larger than ``above``
    otherwise, so the cost is bounded by the neighbourhood that matters, never by
    the whole graph.
    """
    seen = set(starts)
    frontier = list(seen)
    for _ in range(depth):
        following: list[int] = []
        for node in frontier:
            for neighbour in index.neighbours(node, day):
                if neighbour not in seen:
                    seen.add(neighbour)
                    following.append(neighbour)
                    if len(seen) > above:
                        return len(seen)
        if not following:
            break
        frontier = following
    return len(seen)


def linked_count(index: PathIndex, *, day: int | None, above: int) -> int:
    """How many entities are linked to some other (on ``day``); counting stops once past ``above``."""
    if day is None:
        return len(index.nodes)
    count = 0
    for node in range(len(index.nodes)):
        if index.neighbours(node, day):
            count += 1
            if count > above:
                break
    return count
