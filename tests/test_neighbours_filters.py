"""``neighbours --relation`` is validated and read either way; the depth-2 tree never loops back to its root."""

from __future__ import annotations

import pytest

from sco_graph import queries
from sco_graph.errors import ExitCode, UsageError
from sco_graph.graph import Graph
from sco_graph.results import Neighbour
from tests.conftest import Invoke

SECRETARIES = {"Vladimir Norov", "Zhang Ming"}


def test_a_misspelt_relation_is_a_usage_error_with_a_suggestion(cli: Invoke) -> None:
    result = cli("neighbours", "Zhang Ming", "--relation", "mett")
    assert result.exit_code == ExitCode.USAGE
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "'met'" in lines[0]
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("relation", ["planet", "", "met\x1b[2J", "x" * 5000])
def test_an_unknown_relation_is_refused_on_one_clean_line(cli: Invoke, relation: str) -> None:
    result = cli("neighbours", "SCO", "--relation", relation)
    assert result.exit_code == ExitCode.USAGE
    assert len(result.stderr.strip().splitlines()) == 1
    assert "\x1b" not in result.stderr
    assert len(result.stderr) < 2000


def test_either_direction_name_finds_the_officials_of_an_organisation(graph: Graph) -> None:
    for name in ("holds a position in", "has position holder", "  Holds A Position In "):
        rows = queries.neighbours(graph, "SCO", relation=name).neighbours
        assert {row.relation for row in rows} == {"has position holder"}
        assert {row.other.name for row in rows} >= SECRETARIES
    person = queries.neighbours(graph, "Zhang Ming", relation="has position holder").neighbours
    assert [(row.relation, row.other.name) for row in person] == [
        ("holds a position in", "Shanghai Cooperation Organisation")
    ]


def test_a_relation_with_no_rows_is_not_an_error(graph: Graph) -> None:
    assert queries.neighbours(graph, "Zhang Ming", relation="founded").neighbours == ()
    with pytest.raises(UsageError):
        queries.neighbours(graph, "Zhang Ming", relation="founded-by")


def _branches(rows: tuple[Neighbour, ...], above: tuple[str, ...]) -> list[tuple[str, ...]]:
    found = []
    for row in rows:
        found.append((*above, row.other.iri))
        found.extend(_branches(row.children, (*above, row.other.iri)))
    return found


@pytest.mark.parametrize("name", ["Sadyr Japarov", "Zhang Ming", "CSTO", "Tashkent", "Kyrgyzstan"])
def test_the_tree_never_lists_the_root_or_an_ancestor_again(graph: Graph, name: str) -> None:
    result = queries.neighbours(graph, name, depth=3)
    branches = _branches(result.neighbours, (result.subject.iri,))
    assert any(len(branch) == 3 for branch in branches)  # the tree does go deeper
    for branch in branches:
        assert len(set(branch)) == len(branch), branch


def test_japarovs_counterpart_does_not_list_japarov_under_him(graph: Graph) -> None:
    rows = queries.neighbours(graph, "Sadyr Japarov", depth=2).neighbours
    [zhang] = [row for row in rows if row.relation == "met" and row.other.name == "Zhang Ming"]
    assert zhang.children
    assert "Sadyr Japarov" not in {child.other.name for child in zhang.children}


def test_an_organisations_organs_do_not_come_back_under_its_officials(graph: Graph) -> None:
    rows = queries.neighbours(graph, "SCO", depth=2).neighbours
    [mirzaev] = [row for row in rows if row.other.name == "Ruslan Mirzaev" and row.relation == "has position holder"]
    assert mirzaev.via is not None
    assert mirzaev.children
    assert mirzaev.via.iri not in {child.other.iri for child in mirzaev.children}
