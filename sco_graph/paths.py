"""Search over the :class:`~sco_graph.mirror.PathIndex`: shortest paths, simple paths, neighbourhood sizes.

Breadth-first search from the far end gives every entity's distance to it, so
the depth-first walk only takes steps that can still arrive in time, and a
shortest path across a million-triple graph is found in milliseconds.

Simple paths can still be exponentially many: in a cluster where everyone met
everyone, the walk may try millions of detours that never reach the end. Every
walk therefore runs on a budget of steps (each neighbour looked at is a step);
when it is spent, the search stops and says so. Paths come shortest first, so
a search that stops early has still listed every path shorter than the one it
was walking.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import NamedTuple

from sco_graph.mirror import PathIndex

# About a quarter of a second of walking in CPython: far more than any sensible
# question needs, far less than the hours an exhaustive walk can take.
STEP_BUDGET = 300_000


class Found(NamedTuple):
    """Paths as lists of node numbers, shortest first, and whether the search looked at every candidate."""

    paths: list[list[int]]
    complete: bool


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


def distances(index: PathIndex, start: int, *, day: int | None, limit: int) -> dict[int, int]:
    """Hop counts from ``start`` to every node within ``limit`` hops."""
    seen = {start: 0}
    frontier = [start]
    for hop in range(1, limit + 1):
        following = []
        for node in frontier:
            for neighbour in index.neighbours(node, day):
                if neighbour not in seen:
                    seen[neighbour] = hop
                    following.append(neighbour)
        if not following:
            break
        frontier = following
    return seen


def shortest_paths(
    index: PathIndex, start: int, end: int, *, day: int | None, max_hops: int, limit: int, budget: int = STEP_BUDGET
) -> Found:
    """Up to ``limit`` shortest paths from ``start`` to ``end`` of at most ``max_hops`` hops."""
    return simple_paths(index, start, end, day=day, max_hops=max_hops, limit=limit, shortest_only=True, budget=budget)


def simple_paths(
    index: PathIndex,
    start: int,
    end: int,
    *,
    day: int | None,
    max_hops: int,
    limit: int,
    shortest_only: bool = False,
    budget: int = STEP_BUDGET,
) -> Found:
    """Up to ``limit`` simple paths of at most ``max_hops`` hops, shortest first, within ``budget`` steps."""
    to_end = distances(index, end, day=day, limit=max_hops)
    if start not in to_end:
        return Found([], complete=True)
    longest = to_end[start] if shortest_only else max_hops
    steps = _Budget(budget)
    found: list[list[int]] = []
    for length in range(to_end[start], longest + 1):
        walk = _walk(index, start, end, length=length, to_end=to_end, day=day, budget=steps)
        found.extend(_first(walk, limit - len(found)))
        if len(found) >= limit or steps.spent:
            break
    return Found(found, complete=not steps.spent)


def _first(paths: Iterator[list[int]], count: int) -> list[list[int]]:
    taken: list[list[int]] = []
    if count <= 0:
        return taken
    for path in paths:
        taken.append(path)
        if len(taken) >= count:
            break
    return taken


def _walk(
    index: PathIndex, start: int, end: int, *, length: int, to_end: dict[int, int], day: int | None, budget: _Budget
) -> Iterator[list[int]]:
    """Simple paths of exactly ``length`` hops, pruned by the distance still to go, until the budget is spent."""
    stack: list[tuple[list[int], Iterator[int]]] = [([start], _choices(index, start, day, budget))]
    on_path = {start}
    while stack:
        if not budget.spend():
            return
        path, choices = stack[-1]
        step = next(choices, None)
        if step is None:
            stack.pop()
            on_path.discard(path[-1])
            continue
        left = length - len(path)  # hops still to take after this one
        if step in on_path or to_end.get(step, length + 1) > left:
            continue
        if step == end:
            if left == 0:
                yield [*path, step]
            continue
        on_path.add(step)
        stack.append(([*path, step], _choices(index, step, day, budget)))


def _choices(index: PathIndex, node: int, day: int | None, budget: _Budget) -> Iterator[int]:
    """The neighbours to try from ``node``; reading them costs a step per link scanned."""
    budget.spend(index.offsets[node + 1] - index.offsets[node])
    return iter(index.neighbours(node, day))


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
