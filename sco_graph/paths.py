"""Path search over the :class:`~sco_graph.mirror.PathIndex`: shortest paths and simple paths.

Breadth-first search from both ends bounds the work to the neighbourhood that
matters, so a path across a million-triple graph is found in milliseconds.
"""

from __future__ import annotations

from collections.abc import Iterator

from sco_graph.mirror import PathIndex


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
    index: PathIndex, start: int, end: int, *, day: int | None, max_hops: int, limit: int
) -> list[list[int]]:
    """Up to ``limit`` shortest paths from ``start`` to ``end`` of at most ``max_hops`` hops."""
    return simple_paths(index, start, end, day=day, max_hops=max_hops, limit=limit, shortest_only=True)


def simple_paths(
    index: PathIndex, start: int, end: int, *, day: int | None, max_hops: int, limit: int, shortest_only: bool = False
) -> list[list[int]]:
    """Up to ``limit`` simple paths of at most ``max_hops`` hops, shortest first."""
    to_end = distances(index, end, day=day, limit=max_hops)
    if start not in to_end:
        return []
    longest = to_end[start] if shortest_only else max_hops
    found: list[list[int]] = []
    for length in range(to_end[start], longest + 1):
        found.extend(_walk(index, start, end, length=length, to_end=to_end, day=day, limit=limit - len(found)))
        if len(found) >= limit:
            break
    return found


def _walk(
    index: PathIndex, start: int, end: int, *, length: int, to_end: dict[int, int], day: int | None, limit: int
) -> Iterator[list[int]]:
    """Simple paths of exactly ``length`` hops, pruned by the distance still to go."""
    if limit <= 0:
        return
    produced = 0
    stack: list[tuple[list[int], Iterator[int]]] = [([start], iter(index.neighbours(start, day)))]
    on_path = {start}
    while stack:
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
                produced += 1
                if produced >= limit:
                    return
            continue
        on_path.add(step)
        stack.append(([*path, step], iter(index.neighbours(step, day))))
