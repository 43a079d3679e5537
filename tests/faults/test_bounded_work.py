"""Graph questions do bounded work: path search has a step budget, a picture's size is known before drawing.

Dense clusters (everyone at one meeting met everyone) make the number of simple
paths grow exponentially with --max-hops; wide neighbourhoods make --depth 4
reach thousands of entities. Both must end quickly with a clear answer.
"""

from __future__ import annotations

import json
import time
from array import array
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest

from sco_graph import api, queries
from sco_graph.errors import ExitCode, UsageError
from sco_graph.mirror import FOREVER, NOT_BEFORE, PathIndex
from sco_graph.model import TURTLE_PREFIXES
from sco_graph.paths import Rules, best_paths, neighbourhood_size
from tests.conftest import Invoke

SOURCE = (
    'src:s0 a sco:Article ; schema:headline "Report" ; schema:publisher "Wire" ; '
    'schema:datePublished "2024-01-01"^^xsd:date .\n'
)


def person(key: str, name: str) -> str:
    return f'e:{key} a sco:Person ; rdfs:label "{name}" ; sco:evidence [ sco:source src:s0 ; sco:quote "{name}" ] .\n'


def meeting(key: str, day: str, people: list[str]) -> str:
    who = ", ".join(f"e:{p}" for p in people)
    return (
        f'ev:{key} a sco:Meeting ; rdfs:label "Meeting {key}" ; sco:date "{day}"^^xsd:date ; '
        f'sco:participant {who} ; sco:evidence [ sco:source src:s0 ; sco:quote "they met" ] .\n'
    )


@pytest.fixture(scope="module")
def clique(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """21 people at one meeting (every pair linked), and an outsider who only ever met Person 0."""
    path = tmp_path_factory.mktemp("clique") / "clique.ttl"
    people = [f"p{n}" for n in range(21)]
    parts = [TURTLE_PREFIXES, SOURCE, *(person(p, f"Person {p[1:]}") for p in people), person("x", "Outsider")]
    parts += [meeting("summit", "2020-06-01", people), meeting("aside", "2020-06-02", ["p0", "x"])]
    path.write_text("".join(parts), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Root met 5 people, each of whom met 5 more, four levels down: 781 people in all."""
    path = tmp_path_factory.mktemp("tree") / "tree.ttl"
    parts = [TURTLE_PREFIXES, SOURCE, person("n", "Root")]
    level = ["n"]
    for _ in range(4):
        following = []
        for parent in level:
            for child in range(5):
                key = f"{parent}-{child}"
                parts += [person(key, f"Member {key[2:]}"), meeting(f"m{key}", "2019-03-04", [parent, key])]
                following.append(key)
        level = following
    path.write_text("".join(parts), encoding="utf-8")
    return path


def run(cli: Invoke, *args: str) -> Any:
    result = cli(*args)
    assert "Traceback" not in result.output
    return result


def one_error_line(result: Any, code: ExitCode) -> str:
    assert result.exit_code == code, result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith("sco-graph: error: ")
    return str(lines[0])


# ------------------------------------------------------------------ path search
def test_all_paths_in_a_dense_cluster_stop_on_the_budget_and_say_so(cli: Invoke, clique: Path) -> None:
    # Only one path exists; an exhaustive search would try every detour through the 20 others (19^7 of them).
    args = ("--no-bundled", "--data", str(clique), "path", "Person 0", "Outsider", "--all", "--max-hops", "9")
    result = run(cli, *args, "--format", "json")
    assert result.exit_code == 0, result.output
    answer = json.loads(result.stdout)
    assert answer["truncated"] is True
    assert answer["complete"] is False
    assert [path["hops"] for path in answer["paths"]] == [1]
    assert result.stderr == ""
    table = run(cli, *args)
    assert "(the search stopped after 300,000 steps" in table.stdout


def test_all_paths_between_two_clique_members_list_the_best_first(cli: Invoke, clique: Path) -> None:
    args = ("--no-bundled", "--data", str(clique), "path", "Person 3", "Person 4", "--all", "--max-hops", "9")
    result = run(cli, *args, "--format", "json")
    assert result.exit_code == 0, result.output
    answer = json.loads(result.stdout)
    hops = [path["hops"] for path in answer["paths"]]
    assert answer["truncated"] is True
    assert hops == sorted(hops)
    assert hops[:2] == [1, 2]


def test_shortest_paths_through_a_dense_cluster_are_complete_and_quick(cli: Invoke, clique: Path) -> None:
    args = ("--no-bundled", "--data", str(clique), "path", "Person 7", "Outsider", "--max-hops", "10")
    result = run(cli, *args, "--format", "json")
    assert result.exit_code == 0, result.output
    answer = json.loads(result.stdout)
    assert answer["truncated"] is False
    assert answer["complete"] is True
    assert [[step["to"]["name"] for step in path["steps"]] for path in answer["paths"]] == [["Person 0", "Outsider"]]


def index_of(links: list[tuple[int, int]], count: int) -> PathIndex:
    """A path index over nodes 0..count-1 with every link holding on every day."""
    neighbours: dict[int, set[int]] = {node: set() for node in range(count)}
    for a, b in links:
        neighbours[a].add(b)
        neighbours[b].add(a)
    offsets, targets = array("q", [0]), array("i")
    for node in range(count):
        targets.extend(sorted(neighbours[node]))
        offsets.append(len(targets))
    always = len(targets)
    return PathIndex(
        [f"n{node}" for node in range(count)],
        offsets,
        targets,
        array("i", [NOT_BEFORE] * always),
        array("i", [FOREVER] * always),
    )


def complete_graph(count: int) -> PathIndex:
    return index_of([(a, b) for a in range(count) for b in range(a + 1, count)], count)


EVERY_LINK_ALIKE = Rules([1.0])


def all_paths(index: PathIndex, start: int, end: int, **options: int) -> list[list[int]]:
    """Every simple path, by brute force, cheapest first (hub penalties and hop costs as the search counts them)."""
    from sco_graph.strength import hub_penalty

    found: list[list[int]] = []

    def walk(path: list[int]) -> None:
        if path[-1] == end:
            found.append(path)
            return
        if len(path) > options["max_hops"]:
            return
        for neighbour in index.neighbours(path[-1], None):
            if neighbour not in path:
                walk([*path, neighbour])

    walk([start])

    def cost(path: list[int]) -> float:
        return len(path) - 1 + sum(hub_penalty(index.degree(node)) for node in path[1:-1])

    return sorted(found, key=cost)


def test_a_search_cut_by_its_budget_lists_every_cheaper_path_first() -> None:
    index = complete_graph(7)
    everything = best_paths(index, 0, 1, rules=EVERY_LINK_ALIKE, max_hops=6, limit=10**6, budget=10**9)
    assert everything.complete
    assert len(everything.paths) == 1 + 5 + 20 + 60 + 120 + 120  # ordered choices of 0 to 5 of the 5 others
    assert [len(path) for path in everything.paths] == [len(path) for path in all_paths(index, 0, 1, max_hops=6)]
    assert everything.costs == sorted(everything.costs)
    cut = best_paths(index, 0, 1, rules=EVERY_LINK_ALIKE, max_hops=6, limit=10**6, budget=2_000)
    assert not cut.complete
    assert 0 < len(cut.paths) < len(everything.paths)
    assert cut.paths == everything.paths[: len(cut.paths)]  # the cheapest ones, in the same order
    for path in cut.paths:
        assert len(set(path)) == len(path)
        assert all(b in index.neighbours(a, None) for a, b in pairwise(path))


def test_a_search_that_finds_everything_within_its_budget_is_complete() -> None:
    line = index_of([(0, 1), (1, 2), (2, 3)], 4)
    found = best_paths(line, 0, 3, rules=EVERY_LINK_ALIKE, max_hops=5, limit=10)
    assert found.complete
    assert found.paths == [[0, 1, 2, 3]]


def test_the_hop_limit_holds_even_when_the_cheapest_path_is_longer() -> None:
    # 0-1-2-3-4 is cheap (no hubs); 0-5-4 passes a hub of 1,002 links but has only two hops.
    links = [(0, 1), (1, 2), (2, 3), (3, 4), (0, 5), (5, 4), *((5, n) for n in range(6, 1006))]
    index = index_of(links, 1006)
    assert best_paths(index, 0, 4, rules=EVERY_LINK_ALIKE, max_hops=4, limit=1).paths == [[0, 1, 2, 3, 4]]
    assert best_paths(index, 0, 4, rules=EVERY_LINK_ALIKE, max_hops=3, limit=1).paths == [[0, 5, 4]]
    avoiding = Rules([1.0], avoid=frozenset({5}))
    assert best_paths(index, 0, 4, rules=avoiding, max_hops=3, limit=1).paths == []


# ------------------------------------------------------------------ picture size
def test_a_neighbourhood_is_counted_exactly_up_to_the_limit_and_no_further() -> None:
    index = complete_graph(50)
    assert neighbourhood_size(index, [0], day=None, depth=1, above=100) == 50
    assert neighbourhood_size(index, [0], day=None, depth=1, above=10) == 11


def test_draw_refuses_a_deep_wide_neighbourhood_before_collecting_it(cli: Invoke, tree: Path, tmp_path: Path) -> None:
    output = tmp_path / "deep.svg"
    result = run(cli, "--no-bundled", "--data", str(tree), "draw", "Root", "--depth", "4", "--output", str(output))
    line = one_error_line(result, ExitCode.USAGE)
    assert "the picture would have more than 400 nodes; lower --depth or name fewer entities" in line
    assert list(tmp_path.iterdir()) == []


def test_draw_refuses_the_whole_of_a_large_graph_before_collecting_it(cli: Invoke, tree: Path, tmp_path: Path) -> None:
    output = tmp_path / "all.html"
    result = run(cli, "--no-bundled", "--data", str(tree), "draw", "--output", str(output))
    assert "more than 400 nodes" in one_error_line(result, ExitCode.USAGE)
    assert list(tmp_path.iterdir()) == []


def test_draw_within_the_limit_still_draws(cli: Invoke, tree: Path, tmp_path: Path) -> None:
    output = tmp_path / "near.svg"
    result = run(cli, "--no-bundled", "--data", str(tree), "draw", "Root", "--depth", "2", "--output", str(output))
    assert result.exit_code == 0, result.output
    assert "(31 nodes, 30 edges)" in result.stderr
    assert output.is_file()


def test_the_size_check_counts_the_same_entities_the_picture_would_hold(tree: Path) -> None:
    graph = api.open_graph([tree], bundled=False)
    _, edges = queries.network_edges(graph, ["Root"], depth=3, max_nodes=156)
    assert len({edge.source.iri for edge in edges} | {edge.target.iri for edge in edges}) == 156
    with pytest.raises(UsageError, match="more than 155 nodes"):
        queries.network_edges(graph, ["Root"], depth=3, max_nodes=155)
    started = time.perf_counter()
    with pytest.raises(UsageError, match="more than 400 nodes"):
        queries.network_edges(graph, ["Root"], depth=4)
    assert time.perf_counter() - started < 2
