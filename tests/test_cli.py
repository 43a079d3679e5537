"""Every command through the CLI: answers, JSON contracts, exit codes and clean errors."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest

from sco_graph.cli import app
from sco_graph.errors import ExitCode

from .conftest import Invoke

README = Path(__file__).resolve().parents[1] / "README.md"
COMMANDS = [
    "who-met",
    "neighbours",
    "neighbors",
    "path",
    "common",
    "timeline",
    "show",
    "search",
    "members",
    "stats",
    "validate",
    "export",
    "sparql",
    "cache",
    "draw",
]
DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


def command_names() -> list[str]:
    import typer.main

    group = typer.main.get_command(app)
    return sorted(group.commands)  # type: ignore[attr-defined]


def test_every_command_is_registered() -> None:
    assert command_names() == sorted(COMMANDS)


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_with_an_example_and_a_readme_mention(cli: Invoke, command: str) -> None:
    result = cli(command, "--help")
    assert result.exit_code == 0
    if command not in ("neighbors", "cache"):
        assert "Example: sco-graph" in result.stdout
    assert f"sco-graph {command}" in README.read_text(encoding="utf-8")


# ------------------------------------------------------------ who-met
def test_who_met_takes_an_unquoted_name_and_shows_date_place_and_source(cli: Invoke) -> None:
    result = cli("who-met", "Zhang", "Ming")
    assert result.exit_code == 0
    for expected in ("Sadyr Japarov", "2023-05-11", "Bishkek", "Xinhua, 2023-05-13"):
        assert expected in result.stdout


def test_who_met_is_mutual(cli: Invoke) -> None:
    one = cli.json("who-met", "Terhi", "Hakala")["meetings"]
    other = cli.json("who-met", "Mirzaev")["meetings"]
    assert [row["counterpart"]["name"] for row in one] == ["Ruslan Mirzaev"]
    assert "Terhi Hakala" in [row["counterpart"]["name"] for row in other]


def test_who_met_json_contract(cli: Invoke) -> None:
    data = cli.json("who-met", "Lebedev")
    assert set(data) == {"query", "subject", "as_of", "meetings"}
    assert data["subject"] == {
        "name": "Sergei Lebedev",
        "iri": "https://w3id.org/sco-graph/id/sergei-lebedev",
        "type": "person",
    }
    for row in data["meetings"]:
        assert set(row) == {
            "counterpart",
            "when",
            "place",
            "occasion",
            "requested_by",
            "event",
            "headline_only",
            "sources",
        }
        assert DATE.match(row["when"]["date"])
        assert row["sources"], "every row carries its sources"
        for source in row["sources"]:
            assert {"iri", "title", "publisher", "published", "seed_file", "quote"} <= set(source)


def test_who_met_as_of_a_date_before_the_meeting_finds_nothing(cli: Invoke) -> None:
    assert cli.json("who-met", "Zhang", "Ming", "--as-of", "2023-05-10")["meetings"] == []
    assert len(cli.json("who-met", "Zhang", "Ming", "--as-of", "2023-05")["meetings"]) == 1


def test_who_met_csv_has_a_header_and_one_row_per_meeting(cli: Invoke) -> None:
    result = cli("who-met", "Mirzaev", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [row["counterpart"] for row in rows] == ["Sergey Terebov", "Terhi Hakala"]
    assert all(row["sources"] for row in rows)


def test_output_has_no_colour_codes_when_piped(cli: Invoke) -> None:
    assert "\x1b[" not in cli("who-met", "Zhang", "Ming").stdout


# ------------------------------------------------------------ neighbours
def test_neighbours_are_grouped_by_relation_and_include_organs(cli: Invoke) -> None:
    data = cli.json("neighbours", "CSTO")
    relations = {row["relation"] for row in data["neighbours"]}
    assert {"partner organisation of", "has part", "signed a document with"} <= relations
    via = {row["via"]["name"] for row in data["neighbours"] if row["via"]}
    assert via == {"CSTO Secretariat"}


def test_neighbours_depth_two_is_a_tree(cli: Invoke) -> None:
    data = cli.json("neighbors", "Zhang", "Ming", "--depth", "2")
    assert any(row["neighbours"] for row in data["neighbours"])
    table = cli("neighbours", "Zhang", "Ming", "--depth", "2").stdout
    assert "└──" in table


def test_neighbours_type_filter(cli: Invoke) -> None:
    data = cli.json("neighbours", "SCO", "--type", "country")
    assert data["neighbours"]
    assert {row["entity"]["type"] for row in data["neighbours"]} == {"country"}


# ------------------------------------------------------------ path
def test_path_explains_every_hop_with_a_date_and_a_source(cli: Invoke) -> None:
    data = cli.json("path", "Terhi Hakala", "Sadyr Japarov")
    assert data["paths"]
    shortest = data["paths"][0]
    assert shortest["hops"] == len(shortest["steps"])
    assert shortest["steps"][0]["from"]["name"] == "Terhi Hakala"
    assert shortest["steps"][-1]["to"]["name"] == "Sadyr Japarov"
    for step in shortest["steps"]:
        assert step["sources"]
        assert "[" in step["statement"]


def test_path_all_lists_the_best_paths_first(cli: Invoke) -> None:
    data = cli.json("path", "Terhi Hakala", "Zhang Ming", "--all", "--max-hops", "5")
    costs = [path["cost"] for path in data["paths"]]
    assert costs == sorted(costs)
    assert len({path["hops"] for path in data["paths"]}) > 1
    met = [path for path in data["paths"] if path["steps"][0]["relation"] == "met"]
    assert met, "a path starting with Hakala's meeting with Mirzaev is listed"
    assert met[0]["steps"][0]["statement"].startswith("Ruslan Mirzaev met Terhi Hakala on 2023-05-29")


def test_no_path_exits_one_with_a_message(cli: Invoke) -> None:
    result = cli("path", "Zhang Ming", "Sadyr Japarov", "--as-of", "2020")
    assert result.exit_code == ExitCode.NO_RESULT
    assert "no path" in result.stderr


# ------------------------------------------------------------ timeline
def test_timeline_prints_each_date_at_its_precision_in_order(cli: Invoke) -> None:
    data = cli.json("timeline", "CSTO", "--type", "-fact")
    dates = [event["when"]["date"] for event in data["events"]]
    assert dates[0] == "2018-05"
    assert set(dates[1:]) == {"2018-06-09"}
    assert len(dates) == 6
    assert "2018-05-01" not in cli("timeline", "CSTO").stdout


def test_timeline_marks_what_an_organ_did(cli: Invoke) -> None:
    data = cli.json("timeline", "CSTO", "--type", "signing")
    [signing] = data["events"]
    assert signing["via"]["name"] == "CSTO Secretariat"


def test_timeline_range_and_several_names(cli: Invoke) -> None:
    data = cli.json("timeline", "CSTO", "CIS", "--from", "2005", "--to", "2005-12")
    assert [event["label"] for event in data["events"]] == [
        "Commonwealth of Independent States and Shanghai Cooperation Organisation partner organisations",
        "SCO Secretariat and CIS Executive Committee sign a memorandum of understanding",
    ]


# ------------------------------------------------------------ show, search, members, stats
def test_show_is_an_entity_card(cli: Invoke) -> None:
    data = cli.json("show", "Mirzayev")
    assert data["entity"]["name"] == "Ruslan Mirzaev"
    assert "Mirzayev" in data["aliases"]
    assert [edge["to"]["name"] for edge in data["positions"]] == ["SCO RATS Executive Committee"]
    assert {entity["name"] for entity in data["counterparts"]} == {"Sergey Terebov", "Terhi Hakala"}
    assert data["sources"]


def test_search_scores_are_ranked(cli: Invoke) -> None:
    data = cli.json("search", "mirzoev")
    assert data["results"][0]["name"] == "Ruslan Mirzaev"
    scores = [hit["score"] for hit in data["results"]]
    assert scores == sorted(scores, reverse=True)


def test_members_before_and_after_2017(cli: Invoke) -> None:
    before = cli.json("members", "SCO", "--as-of", "2016-06-01", "--status", "member")
    after = cli.json("members", "SCO", "--as-of", "2018-01-01", "--status", "member")
    assert len(before["members"]) == 6
    assert {row["member"]["name"] for row in after["members"]} - {
        row["member"]["name"] for row in before["members"]
    } == {
        "India",
        "Pakistan",
    }


def test_members_in_2017_are_only_possible_at_year_precision(cli: Invoke) -> None:
    data = cli.json("members", "SCO", "--as-of", "2017-03-01", "--status", "member")
    certainty = {row["member"]["name"]: row["certainty"] for row in data["members"]}
    assert certainty["India"] == "possible"
    assert certainty["China"] == "stated"


def test_stats_counts_and_rankings(cli: Invoke) -> None:
    data = cli.json("stats")
    assert data["entities"]["person"] == 10
    assert data["most_connected"][0]["name"] == "Shanghai Cooperation Organisation"
    assert data["dates"] == {"earliest": "1991", "latest": "2023-05-29"}


def test_validate_bundled_data_exits_zero(cli: Invoke) -> None:
    result = cli("validate")
    assert result.exit_code == 0
    assert "conforms" in result.stdout


def test_validate_bad_file_exits_five(cli: Invoke, tmp_path: Path) -> None:
    bad = tmp_path / "bad.ttl"
    bad.write_text("<a> <b> .\n", encoding="utf-8")
    result = cli("validate", str(bad))
    assert result.exit_code == ExitCode.INVALID_DATA
    assert f"{bad}:1:" in result.stdout


# ------------------------------------------------------------ errors
BAD_INPUT = [
    (["who-met", "Nobody", "Atall"], ExitCode.UNKNOWN_NAME),
    (["who-met", "Secretary-General"], ExitCode.AMBIGUOUS_NAME),
    (["who-met", " "], ExitCode.USAGE),
    (["who-met", "\x1b[31mZhang"], ExitCode.UNKNOWN_NAME),
    (["who-met", "x" * 5000], ExitCode.USAGE),
    (["who-met", "Zhang", "--as-of", "2023-02-30"], ExitCode.USAGE),
    (["who-met", "Zhang", "--format", "xml"], ExitCode.USAGE),
    (["who-met", "Zhang", "--bogus"], ExitCode.USAGE),
    (["neighbours", "SCO", "--depth", "9"], ExitCode.USAGE),
    (["neighbours", "SCO", "--depth", "two"], ExitCode.USAGE),
    (["neighbours", "SCO", "--type", "planet"], ExitCode.USAGE),
    (["path", "Zhang Ming"], ExitCode.USAGE),
    (["path", "Zhang Ming", "Zhang"], ExitCode.USAGE),
    (["path", "Zhang Ming", "Japarov", "--max-hops", "0"], ExitCode.USAGE),
    (["timeline", "--from", "2020", "--to", "2019"], ExitCode.USAGE),
    (["timeline", "--type", "party"], ExitCode.USAGE),
    (["timeline", "--from", "soon"], ExitCode.USAGE),
    (["show", "' OR 1=1 --"], ExitCode.UNKNOWN_NAME),
    (["show", '"} } DROP ALL ; SELECT * WHERE { ?s ?p ?o'], ExitCode.UNKNOWN_NAME),
    (["search", "zz", "--limit", "0"], ExitCode.USAGE),
    (["members", "SCO", "--status", "king"], ExitCode.USAGE),
    (["members", "Atlantis"], ExitCode.UNKNOWN_NAME),
    (["validate", "/no/such/file.ttl"], ExitCode.IO_ERROR),
    (["--data", "/no/such/file.ttl", "stats"], ExitCode.IO_ERROR),
    (["no-such-command"], ExitCode.USAGE),
    # injection attempts through the other arguments
    (["who-met", "Zhang", "--as-of", "2020-01-01' } ; DROP ALL ; #"], ExitCode.USAGE),
    (["timeline", "--type", "meeting } UNION { ?s ?p ?o"], ExitCode.USAGE),
    (["members", "SCO", "--status", 'member" } DROP ALL'], ExitCode.USAGE),
    (["neighbours", "SCO", "--type", "person> } ;"], ExitCode.USAGE),
    (["path", "<http://evil/>", "Zhang"], ExitCode.UNKNOWN_NAME),
    (["--data", "mine.ttl; rm -rf /", "stats"], ExitCode.IO_ERROR),
    (["--endpoint", "javascript:alert(1)", "stats"], ExitCode.USAGE),
    (["export", "--format", "turtle; cat /etc/passwd"], ExitCode.USAGE),
]


@pytest.mark.parametrize(("args", "code"), BAD_INPUT)
def test_bad_input_gets_one_line_on_stderr_and_a_documented_exit_code(cli: Invoke, args: list[str], code: int) -> None:
    result = cli(*args)
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("sco-graph: error: ")
    assert "\x1b" not in result.stderr


def test_look_alike_letters_and_invisible_controls_resolve_to_the_real_name(cli: Invoke) -> None:
    data = cli.json("who-met", "Zhаng Mіng\u202e")  # Cyrillic а and і, and a right-to-left override
    assert data["subject"]["name"] == "Zhang Ming"


def test_version(cli: Invoke) -> None:
    result = cli("--version")
    assert result.exit_code == 0
    assert result.stdout.startswith("sco-graph ")


# ------------------------------------------------------------ JSON contracts of the other commands
CONTRACTS = {
    ("neighbours", "SCO"): {"query", "subject", "depth", "as_of", "neighbours"},
    ("path", "Zhang Ming", "Sadyr Japarov"): {
        "query",
        "from",
        "to",
        "max_hops",
        "as_of",
        "via",
        "avoid",
        "chronological",
        "statement_only",
        "truncated",
        "complete",
        "paths",
    },
    ("common", "Zhang Ming", "Norov"): {"query", "first", "second", "as_of", "direct", "events", "offices", "shared"},
    ("timeline", "CIS"): {"query", "subjects", "from", "to", "types", "events"},
    ("show", "CIS"): {
        "query",
        "entity",
        "aliases",
        "comment",
        "relations",
        "positions",
        "memberships",
        "events",
        "counterparts",
        "sources",
    },
    ("search", "Lebedev"): {"query", "text", "results"},
    ("members", "CIS"): {"query", "organisations", "as_of", "status", "members", "not_known_on_date"},
    ("stats",): {
        "query",
        "triples",
        "entities",
        "events",
        "facts",
        "sources",
        "relations",
        "most_connected",
        "dates",
        "betweenness_sample",
    },
    ("validate",): {"query", "files", "triples", "syntax_only", "conforms", "problems"},
}


@pytest.mark.parametrize("args", list(CONTRACTS))
def test_json_top_level_keys_are_pinned(cli: Invoke, args: tuple[str, ...]) -> None:
    assert set(cli.json(*args)) == CONTRACTS[args]


def test_timeline_event_rows_carry_names_iris_dates_and_sources(cli: Invoke) -> None:
    events = cli.json("timeline")["events"]
    assert {event["kind"] for event in events} == {"event", "fact"}
    for event in events:
        assert set(event) == {"event", "kind", "change", "status", "label", "type", "when", "participants", "roles",
                              "place", "occasion", "cameo", "headline_only", "via", "sources"}  # fmt: skip
        if event["kind"] == "fact":
            assert event["type"] in {"membership", "partnership", "position"}
            assert event["change"] in {"start", "end"}
        else:
            assert event["change"] is None
            assert event["status"] is None
        assert event["sources"]
        assert event["when"]["date"] is None or DATE.match(event["when"]["date"])
        assert all({"name", "iri", "type"} <= set(entity) for entity in event["participants"])


PERIOD_KEYS = {"start", "end", "attested", "ended_by"}


def test_show_and_members_periods_carry_the_tenure_bound(cli: Invoke) -> None:
    card = cli.json("show", "SCO")
    rows = cli.json("members", "SCO")["members"]
    periods = [edge["period"] for edge in card["positions"] + card["memberships"]] + [row["period"] for row in rows]
    assert periods and all(set(period) == PERIOD_KEYS for period in periods)
    assert {period["ended_by"] for period in periods} == {None, "2023-05-11"}  # Norov's, bounded by Zhang Ming


def test_show_as_of_drops_later_facts(cli: Invoke) -> None:
    before = cli.json("show", "Belarus", "--as-of", "2022-06")
    after = cli.json("show", "Belarus")
    assert not any(edge["relation"] == "applicant to" for edge in before["memberships"])
    assert any(edge["relation"] == "applicant to" for edge in after["memberships"])


@pytest.mark.parametrize("fmt", ["table", "json", "csv"])
@pytest.mark.parametrize(
    "args", [("who-met", "Zhang"), ("neighbours", "CIS"), ("path", "CIS", "CSTO"), ("timeline", "EU"),
             ("show", "EU"), ("search", "EU"), ("members", "CIS"), ("stats",), ("validate",)],
)  # fmt: skip
def test_every_command_answers_in_every_format(cli: Invoke, args: tuple[str, ...], fmt: str) -> None:
    result = cli(*args, "--format", fmt)
    assert result.exit_code == 0, result.output
    assert result.stdout.strip()
