"""``stats``: exact betweenness on small data, a fixed estimate on large data, kept in the cache entry."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from sco_graph import api, centrality, queries
from sco_graph.graph import Graph
from sco_graph.mirror import path_index

from .conftest import Invoke

PREFIXES = """@prefix sco: <https://w3id.org/sco-graph/def#> .
@prefix e: <https://w3id.org/sco-graph/id/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""
LEAVES = 1100  # per hub: 2 x 1100 + 2 = 2202 linked people, above the 2000 of exact betweenness


def two_stars(leaves: int) -> str:
    """Two hubs who met each other, each of whom met ``leaves`` people who met no one else."""
    lines = [
        PREFIXES,
        'e:hubA a sco:Person ; rdfs:label "Hub Alpha" .',
        'e:hubB a sco:Person ; rdfs:label "Hub Beta" .',
    ]
    lines.append('e:mAB a sco:Meeting ; sco:participant e:hubA, e:hubB ; sco:date "2020-01-01"^^xsd:date .')
    for hub in "AB":
        for number in range(leaves):
            person = f"e:p{hub}{number}"
            lines.append(f'{person} a sco:Person ; rdfs:label "Person {hub} {number}" .')
            meeting = f"e:m{hub}{number} a sco:Meeting ; sco:participant e:hub{hub}, {person}"
            lines.append(f'{meeting} ; sco:date "2020-02-02"^^xsd:date .')
    return "\n".join(lines) + "\n"


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("SCO_GRAPH_CACHE", str(folder))
    return folder


@pytest.fixture(scope="module")
def stars(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("stars") / "stars.ttl"
    path.write_text(two_stars(LEAVES), encoding="utf-8")
    return path


def kept_file(graph: Graph) -> Path:
    assert graph.cache_entry is not None
    return graph.cache_entry / "centrality.json"


# ------------------------------------------------------------ exact on the bundled data
def test_bundled_betweenness_is_exact_as_networkx_computes_it(graph: Graph) -> None:
    import networkx as nx

    network: nx.Graph[str] = nx.Graph()
    network.add_edges_from(path_index(graph).pairs())
    exact = nx.betweenness_centrality(network)
    result = queries.stats(graph, top=1000)
    assert result.betweenness_sample is None
    assert result.relations == network.number_of_edges()
    assert len(result.top) == network.number_of_nodes()
    for rank in result.top:
        assert rank.degree == network.degree(rank.entity.iri)
        assert rank.betweenness == round(exact[rank.entity.iri], 4)
    order = [(-rank.degree, -rank.betweenness, rank.entity.name) for rank in result.top]
    assert order == sorted(order)


def test_top_takes_the_head_of_the_same_ranking(graph: Graph) -> None:
    whole = queries.stats(graph, top=1000).top
    assert queries.stats(graph, top=3).top == whole[:3]
    assert queries.stats(graph, top=0).top == ()


# ------------------------------------------------------------ the estimate above the threshold
def test_large_graphs_get_a_sampled_estimate_close_to_the_exact_value(stars: Path, cache: Path) -> None:
    result = queries.stats(api.open_graph([stars], bundled=False), top=1000)
    assert result.betweenness_sample == 500
    assert result.relations == 2 * LEAVES + 1
    assert len(result.top) == 1000
    hubs, first_leaf = result.top[:2], result.top[2]
    assert {rank.entity.name for rank in hubs} == {"Hub Alpha", "Hub Beta"}
    assert all(rank.degree == LEAVES + 1 for rank in hubs)
    assert (first_leaf.degree, first_leaf.betweenness) == (1, 0.0)
    # A hub lies between its leaves, and between each of them and the other star.
    people = 2 * LEAVES + 2
    exact = (LEAVES * (LEAVES - 1) / 2 + LEAVES * (LEAVES + 1)) / ((people - 1) * (people - 2) / 2)
    for rank in hubs:
        assert rank.betweenness == pytest.approx(exact, rel=0.05)
    assert hubs[0].betweenness != hubs[1].betweenness  # an estimate, not the exact (equal) value


def _stats_json(data: Path, cache: Path, hash_seed: str) -> str:
    environment = {**os.environ, "SCO_GRAPH_CACHE": str(cache), "PYTHONHASHSEED": hash_seed}
    command = [sys.executable, "-m", "sco_graph", "--no-bundled", "--data", str(data), "stats", "--format", "json"]
    return subprocess.run(command, capture_output=True, text=True, check=True, env=environment).stdout


def test_the_estimate_is_the_same_in_every_process(stars: Path, tmp_path: Path) -> None:
    first = _stats_json(stars, tmp_path / "one", "1")
    second = _stats_json(stars, tmp_path / "two", "2")
    assert first == second
    assert json.loads(first)["betweenness_sample"] == 500


def test_ranking_linked_pairs_gives_the_figures_of_local_data(graph: Graph, stars: Path, cache: Path) -> None:
    for opened in (graph, api.open_graph([stars], bundled=False)):
        pairs = path_index(opened).pairs()
        given = [*pairs, *((b, a) for a, b in pairs[::2]), (pairs[0][0], pairs[0][0])]  # both ways, repeats, a loop
        assert centrality.rank_pairs(opened, given, 1000) == centrality.most_connected(opened, 1000)


# ------------------------------------------------------------ kept in the cache entry
def test_a_second_run_reads_the_kept_ranking(stars: Path, cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import igraph

    first = queries.stats(api.open_graph([stars], bundled=False))
    kept = kept_file(api.open_graph([stars], bundled=False))
    stamp = kept.stat()

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("betweenness was computed again")

    monkeypatch.setattr(igraph.Graph, "betweenness", refuse)
    assert queries.stats(api.open_graph([stars], bundled=False)) == first
    assert (kept.stat().st_ino, kept.stat().st_mtime_ns) == (stamp.st_ino, stamp.st_mtime_ns)


def _flip_a_bit(path: Path) -> None:
    data = bytearray(path.read_bytes())
    digit = data.index(b",", data.index(b'"relations": ')) - 1
    data[digit] ^= 1  # the count's last digit becomes another: well-formed, but not what was computed
    path.write_bytes(bytes(data))


def _other_settings(path: Path) -> None:
    header, _, body = path.read_bytes().partition(b"\n")
    settings = json.loads(header)
    settings["sample"] = 7
    path.write_bytes(json.dumps(settings).encode() + b"\n" + body)


DAMAGE = {
    "garbage": lambda path: path.write_bytes(b"\x00\xffnot json\n{}"),
    "empty": lambda path: path.write_bytes(b""),
    "truncated": lambda path: path.write_bytes(path.read_bytes()[:100]),
    "a flipped bit": _flip_a_bit,
    "other settings": _other_settings,
    "no header line": lambda path: path.write_bytes(b"{" * 5000),
}


@pytest.mark.parametrize("damage", list(DAMAGE))
def test_a_damaged_kept_ranking_is_ignored_and_rebuilt(cli: Invoke, cache: Path, damage: str) -> None:
    before = cli("stats", "--format", "json")
    assert before.exit_code == 0
    kept = kept_file(api.open_graph())
    sound = kept.read_bytes()
    DAMAGE[damage](kept)
    after = cli("stats", "--format", "json")
    assert after.exit_code == 0, after.output
    assert after.stdout == before.stdout
    assert kept.read_bytes() == sound


def test_a_folder_where_the_ranking_belongs_is_left_alone(cli: Invoke, cache: Path) -> None:
    before = cli.json("stats")
    kept = kept_file(api.open_graph())
    kept.unlink()
    kept.mkdir()
    assert cli.json("stats") == before
    assert kept.is_dir()


def test_kept_figures_of_the_wrong_types_are_ignored(cli: Invoke, cache: Path) -> None:
    import hashlib

    before = cli.json("stats")
    kept = kept_file(api.open_graph())
    header = json.loads(kept.read_bytes().partition(b"\n")[0])
    body = json.dumps({"relations": 1, "sample": None, "ranking": [["x", "many", 0.5]]}).encode()
    header["blake2b"] = hashlib.blake2b(body).hexdigest()
    kept.write_bytes(json.dumps(header).encode() + b"\n" + body)
    assert cli.json("stats") == before


# ------------------------------------------------------------ the dates covered
DATED = (
    PREFIXES
    + """
e:a a sco:Person ; rdfs:label "Ann" . e:b a sco:Person ; rdfs:label "Ben" .
e:m1 a sco:Meeting ; sco:participant e:a, e:b ; sco:date "2019-03"^^xsd:gYearMonth .
e:m2 a sco:Meeting ; sco:participant e:a, e:b ; sco:date "2019"^^xsd:gYear ; sco:endDate "2020-12-31"^^xsd:date .
e:m3 a sco:Signing ; sco:signatory e:a, e:b ; sco:notAfter "2021"^^xsd:gYear .
e:m4 a sco:Meeting ; sco:participant e:a, e:b ; sco:date "an undated note" .
e:a sco:date "1900"^^xsd:gYear ; sco:notAfter "2999-01-01"^^xsd:date .
"""
)


def test_the_dates_covered_are_events_dates_at_their_own_precision(cli: Invoke, cache: Path, tmp_path: Path) -> None:
    data = tmp_path / "dated.ttl"
    data.write_text(DATED, encoding="utf-8")
    result = cli.json("--no-bundled", "--data", str(data), "stats")
    # The person's own dates are not an event's; a year sorts before the months and days it holds.
    assert result["dates"] == {"earliest": "2019", "latest": "2021"}


def test_no_dates_and_no_links_give_empty_figures(cli: Invoke, cache: Path, tmp_path: Path) -> None:
    data = tmp_path / "lonely.ttl"
    data.write_text(PREFIXES + 'e:a a sco:Person ; rdfs:label "Ann" .\n', encoding="utf-8")
    result = cli.json("--no-bundled", "--data", str(data), "stats")
    assert result["dates"] == {"earliest": None, "latest": None}
    assert (result["relations"], result["most_connected"], result["betweenness_sample"]) == (0, [], None)
