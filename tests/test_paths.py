"""Paths that explain real connections: ranked relations, hub penalties, options, on the bundled data."""

from __future__ import annotations

from itertools import combinations

import pytest

from sco_graph import queries
from sco_graph.errors import ExitCode, NoResultError
from sco_graph.graph import Graph
from sco_graph.relations import all_edges
from sco_graph.results import Paths
from sco_graph.strength import RANKING, STATEMENT, strength_of

from .conftest import Invoke

STRONGER = [name for name, strength in RANKING.items() if strength != STATEMENT]


def hops(result: Paths, number: int = 0) -> list[tuple[str, str, str]]:
    return [(hop.edge.source.name, hop.edge.relation, hop.edge.target.name) for hop in result.paths[number]]


def test_every_relation_in_the_data_has_a_rank(graph: Graph) -> None:
    assert {edge.relation for edge in all_edges(graph)} <= set(RANKING)


def test_hakala_reaches_japarov_through_her_meeting_with_mirzaev(graph: Graph) -> None:
    result = queries.path(graph, "Terhi Hakala", "Sadyr Japarov")
    first = result.paths[0][0]
    assert (first.edge.relation, {first.start.name, first.end.name}) == ("met", {"Terhi Hakala", "Ruslan Mirzaev"})
    assert first.edge.when is not None and str(first.edge.when) == "2023-05-29"
    assert all(hop.edge.relation != "spoke about" for hop in result.paths[0])
    assert not result.statement_only


def test_burian_and_hakala_share_the_office_of_eu_special_representative(graph: Graph) -> None:
    result = queries.path(graph, "Peter Burian", "Terhi Hakala")
    assert hops(result) == [
        ("Peter Burian", "holds a position in", "European Union"),
        ("Terhi Hakala", "holds a position in", "European Union"),
    ]
    assert all(hop.edge.detail == "Special Representative for Central Asia" for hop in result.paths[0])
    burian = result.paths[0][0]
    assert [edge.relation for edge in burian.others] == ["spoke about", "spoke about"]  # listed, not hidden
    assert burian.alternatives == 2


def test_zhang_ming_and_norov_are_linked_by_the_secretary_general_office(graph: Graph) -> None:
    result = queries.path(graph, "Zhang Ming", "Norov")
    assert hops(result) == [
        ("Zhang Ming", "holds a position in", "Shanghai Cooperation Organisation"),
        ("Vladimir Norov", "holds a position in", "Shanghai Cooperation Organisation"),
    ]
    assert {hop.edge.detail for hop in result.paths[0]} == {"Secretary-General"}


@pytest.mark.parametrize(("start", "end"), [("Sergey Terebov", "Peter Burian"), ("Sergei Lebedev", "Zhang Ming")])
def test_no_statement_only_hop_when_something_stronger_connects(graph: Graph, start: str, end: str) -> None:
    result = queries.path(graph, start, end)
    assert all(hop.strength != STATEMENT for hop in result.paths[0])
    assert "spoke about" not in [hop.edge.relation for hop in result.paths[0]]
    assert not result.statement_only


def people_by_article(graph: Graph) -> dict[str, set[str]]:
    """Each person's name, with the articles that mention them."""
    people = [entry for entry in graph.directory.entries() if entry.type == "person"]
    citations = graph.citations([entry.iri for entry in people])
    return {entry.name: {c.source.seed_file or c.source.iri for c in citations[entry.iri]} for entry in people}


def test_path_quality_no_statement_hop_first_when_a_stronger_path_exists(graph: Graph) -> None:
    """For people from different articles, the first path rests on no statement when it need not."""
    people = people_by_article(graph)
    checked = 0
    for one, two in combinations(sorted(people), 2):
        if people[one] & people[two]:
            continue
        try:
            stronger = queries.path(graph, one, two, via=STRONGER)
        except NoResultError:
            continue
        first = queries.path(graph, one, two).paths[0]
        assert all(strength_of(hop.edge.relation) != STATEMENT for hop in first), (one, two)
        assert len(stronger.paths[0]) <= 6
        checked += 1
    assert checked >= 10


def test_statement_links_are_used_only_when_nothing_stronger_connects_and_the_answer_says_so(cli: Invoke) -> None:
    data = cli.json("path", "Terhi Hakala", "Sadyr Japarov", "--via", "spoke about", "--via", "part of")
    assert data["statement_only"] is True
    assert "statement" in {step["strength"] for step in data["paths"][0]["steps"]}
    table = cli("path", "Terhi Hakala", "Sadyr Japarov", "--via", "spoke about", "--via", "part of").stdout
    assert "Nothing stronger than a statement connects Terhi Hakala and Sadyr Japarov" in table
    assert "(statement only)" in table
    assert cli.json("path", "Terhi Hakala", "Sadyr Japarov")["statement_only"] is False


def test_every_hop_lists_its_other_relations(cli: Invoke) -> None:
    data = cli.json("path", "Peter Burian", "Terhi Hakala")
    step = data["paths"][0]["steps"][0]
    assert step["strength"] == "organisational tie"  # two offices in a row link through the body
    assert step["other_relations"] == len(step["others"]) == 2
    assert {other["relation"] for other in step["others"]} == {"spoke about"}
    table = cli("path", "Peter Burian", "Terhi Hakala").stdout
    assert "also: Peter Burian spoke about European Union" in table
    assert "other relation" not in table


# ------------------------------------------------------------------ options
def test_via_restricts_relations_in_either_direction(graph: Graph) -> None:
    result = queries.path(graph, "Terhi Hakala", "Sadyr Japarov", via=["met", "has position holder", "part of"])
    assert result.via == ("met", "holds a position in", "part of")
    assert {hop.edge.relation for hop in result.paths[0]} <= {"met", "holds a position in", "part of"}
    with pytest.raises(NoResultError):
        queries.path(graph, "Terhi Hakala", "Sadyr Japarov", via=["met"])


def test_avoid_excludes_entities(graph: Graph) -> None:
    result = queries.path(graph, "Terhi Hakala", "Sadyr Japarov", avoid=["Mirzaev"])
    names = {hop.end.name for hop in result.paths[0]} | {hop.start.name for hop in result.paths[0]}
    assert "Ruslan Mirzaev" not in names
    assert [entity.name for entity in result.avoid] == ["Ruslan Mirzaev"]


def test_all_lists_the_k_best_cheapest_first_within_max_hops(graph: Graph) -> None:
    result = queries.path(graph, "Terhi Hakala", "Sadyr Japarov", every=True, limit=4, max_hops=6)
    assert len(result.paths) == 4
    assert list(result.costs) == sorted(result.costs)
    assert result.truncated
    assert all(len(path) <= 6 for path in result.paths)
    assert len({tuple(hop.end.iri for hop in path) for path in result.paths}) == 4
    assert len(queries.path(graph, "Terhi Hakala", "Sadyr Japarov").paths) == 1


def test_chronological_paths_never_go_back_in_time(graph: Graph) -> None:
    result = queries.path(graph, "Sadyr Japarov", "Terhi Hakala", chronological=True)
    days = [hop.edge.when.date.earliest() for hop in result.paths[0] if hop.edge.when and hop.edge.when.date]
    assert days == sorted(days)
    assert str(days[0]) == "2023-05-11"  # Japarov met Zhang Ming, and word could reach Hakala by 2023-05-29
    # Norov met Burian in 2019; Burian cannot pass word back to 2018, when Lebedev met the SCO's Secretary-General.
    with pytest.raises(NoResultError):
        queries.path(graph, "Peter Burian", "Sergei Lebedev", chronological=True, via=["met", "held a summit in"])


BAD = [
    (["--via", "mett"], ExitCode.USAGE, "did you mean 'met'"),
    (["--via", "spoke about } ; DROP"], ExitCode.USAGE, "unknown relation"),
    (["--avoid", "Nobody Atall"], ExitCode.UNKNOWN_NAME, "Nobody Atall"),
    (["--avoid", "Hakala"], ExitCode.USAGE, "names an end of the path"),
    (["--all", "--limit", "0"], ExitCode.USAGE, "--limit"),
    (["--chronological", "--max-hops", "11"], ExitCode.USAGE, "--max-hops"),
    (["--via", "met"], ExitCode.NO_RESULT, "no path"),
]


@pytest.mark.parametrize(("extra", "code", "text"), BAD)
def test_bad_path_options_get_one_line_and_an_exit_code(cli: Invoke, extra: list[str], code: int, text: str) -> None:
    result = cli("path", "Terhi Hakala", "Sadyr Japarov", *extra)
    assert result.exit_code == code, result.output
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("sco-graph: error: ")
    assert text in lines[0]


def test_path_csv_has_strength_and_other_relations(cli: Invoke) -> None:
    import csv
    import io

    rows = list(csv.DictReader(io.StringIO(cli("path", "Burian", "Hakala", "--format", "csv").stdout)))
    assert [row["relation"] for row in rows] == ["holds a position in", "holds a position in"]
    assert "spoke about" in rows[0]["other_relations"]
    assert rows[0]["strength"] == "organisational tie"


def test_a_hop_through_an_office_shows_the_tenure_bound_a_later_holder_gives(graph: Graph) -> None:
    [path] = queries.path(graph, "Peter Burian", "Terhi Hakala").paths
    burian = next(hop for hop in path if "Burian" in hop.edge.statement())
    assert "ended by 2023-05-29 at the latest" in burian.edge.statement()
