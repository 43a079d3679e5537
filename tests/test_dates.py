"""Dates keep their precision, print at it, and sort in a total order."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sco_graph.dates import PartialDate, When, parse_user_date
from sco_graph.errors import ExitCode, UsageError
from sco_graph.model import TURTLE_PREFIXES

from .conftest import Invoke


@pytest.mark.parametrize(("text", "precision"), [("2018", "year"), ("2018-05", "month"), ("2018-05-03", "day")])
def test_a_date_prints_at_its_own_precision(text: str, precision: str) -> None:
    parsed = PartialDate.parse(text)
    assert parsed.precision == precision
    assert str(parsed) == text


def test_a_month_is_never_padded_to_its_first_day() -> None:
    month = PartialDate.parse("2018-05")
    assert str(month) != "2018-05-01"
    assert month.earliest() == dt.date(2018, 5, 1)
    assert month.latest() == dt.date(2018, 5, 31)


def test_mixed_precisions_sort_coarse_before_the_finer_dates_they_contain() -> None:
    texts = ["2018-05-03", "2019", "2018-05", "2018", "2017-12-31", "2018-06"]
    ordered = sorted((PartialDate.parse(text) for text in texts), key=PartialDate.sort_key)
    assert [str(date) for date in ordered] == ["2017-12-31", "2018", "2018-05", "2018-05-03", "2018-06", "2019"]


def test_an_undated_event_sorts_at_its_latest_possible_day() -> None:
    bound = When(not_after=PartialDate.parse("2018-06-08"))
    before = When(date=PartialDate.parse("2018-06-07"))
    after = When(date=PartialDate.parse("2018-06-09"))
    assert sorted([after, bound, before], key=When.sort_key) == [before, bound, after]
    assert str(bound) == "by 2018-06-08"


@pytest.mark.parametrize("text", ["2023-02-30", "2018-13", "18-05-01", "2018/05/01", "", "yesterday", "2018-5"])
def test_impossible_or_malformed_dates_are_usage_errors(text: str) -> None:
    with pytest.raises(UsageError, match="--as-of"):
        parse_user_date(text)


def test_a_literal_must_match_its_datatype_precision() -> None:
    xsd = "http://www.w3.org/2001/XMLSchema#"
    assert str(PartialDate.from_literal("2018-05", xsd + "gYearMonth")) == "2018-05"
    with pytest.raises(ValueError, match="precision"):
        PartialDate.from_literal("2018-05", xsd + "date")
    with pytest.raises(ValueError, match="datatype"):
        PartialDate.from_literal("2018", xsd + "string")


def test_a_multi_day_event_prints_as_an_interval() -> None:
    summit = When(PartialDate.parse("2019-06-13"), PartialDate.parse("2019-06-14"))
    assert str(summit) == "2019-06-13/2019-06-14"
    assert summit.as_json() == {"date": "2019-06-13", "end": "2019-06-14", "not_after": None, "precision": "day"}


# ------------------------------------------------------------------ dates that never crash
BAD_DATES = [
    "0000",
    "99999",
    "2023-02-30",
    "",
    "2023-13",
    "2023-00",
    "2023-01-00",
    "2023-05-01junk",
    "2023-05-01T00:00",
    "\u0662\u0660\u0662\u0663",  # Arabic-Indic digits for 2023, which int() would read
    "２０２３",  # fullwidth digits
    "-2023",
    "+2023",
    "9" * 5000,  # past int()'s digit limit
    "2023-5",
    "2023\x1b[2J",
    "2023\u202e",
]


@pytest.mark.parametrize("text", BAD_DATES)
def test_out_of_range_or_foreign_dates_are_usage_errors(text: str) -> None:
    with pytest.raises(UsageError) as caught:
        parse_user_date(text, "--from")
    message = str(caught.value)
    assert message.startswith("--from: ")
    assert len(message) < 200
    assert not CONTROLS.search(message)


@pytest.mark.parametrize("text", ["0001", "9999-12-31", " 2019 ", "2024-02-29"])
def test_the_edges_of_the_calendar_are_dates(text: str) -> None:
    parsed = parse_user_date(text)
    assert parsed.earliest() <= parsed.latest()
    assert PartialDate.parse(str(parsed)) == parsed


@pytest.mark.parametrize("option", ["--as-of", "--from", "--to"])
@pytest.mark.parametrize("text", ["0000", "99999", "2023-02-30", "", "2023-13", "٢٠٢٣", "2023x", "9" * 40])
def test_a_bad_date_option_exits_2_with_one_line_naming_it(cli: Invoke, option: str, text: str) -> None:
    result = cli("timeline", option, text)
    assert result.exit_code == ExitCode.USAGE, result.output
    assert "Traceback" not in result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"sco-graph: error: {option}: ")


CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


@given(st.text())
@settings(max_examples=400)
def test_any_text_is_a_date_or_a_usage_error(text: str) -> None:
    try:
        parsed = parse_user_date(text, "--to")
    except UsageError as error:
        message = error.message
    else:
        assert isinstance(parsed, PartialDate)
        assert dt.date.min <= parsed.earliest() <= parsed.latest() <= dt.date.max
        assert PartialDate.parse(str(parsed)) == parsed
        return
    assert message.startswith("--to: ")
    assert not CONTROLS.search(message)
    message.encode("utf-8")  # no lone surrogate that would fail on stderr


@given(st.from_regex(r"-?[0-9]{4,6}(-[0-9]{2}(-[0-9]{2})?)?", fullmatch=True))
@settings(max_examples=300)
def test_any_date_shaped_text_is_a_date_or_a_usage_error(text: str) -> None:
    try:
        parsed = parse_user_date(text)
    except UsageError:
        return
    assert 1 <= parsed.year <= 9999
    assert str(parsed) == text


@pytest.mark.parametrize(
    ("lexical", "datatype"),
    [("0000", "gYear"), ("-0001", "gYear"), ("10000", "gYear"), ("0000-01", "gYearMonth"), ("0000-01-01", "date")],
)
def test_data_dates_outside_the_calendar_are_invalid_not_crashes(lexical: str, datatype: str) -> None:
    with pytest.raises(ValueError, match="0001 to 9999"):
        PartialDate.from_literal(lexical, "http://www.w3.org/2001/XMLSchema#" + datatype)


def data_with_date(folder: Path, literal: str) -> Path:
    path = folder / "dates.ttl"
    source = 'src:s0 a sco:Article ; schema:publisher "W" ; schema:datePublished "2024-01-01"^^xsd:date .\n'
    evidence = 'sco:evidence [ sco:source src:s0 ; sco:quote "q" ]'
    people = "".join(f'e:{key} a sco:Person ; rdfs:label "{key.title()}" ; {evidence} .\n' for key in ("ann", "bob"))
    events = (
        f"ev:m a sco:Meeting ; sco:date {literal} ; sco:participant e:ann, e:bob ; {evidence} .\n"
        f'ev:n a sco:Meeting ; sco:date "2020-01-01"^^xsd:date ; sco:notAfter {literal} ; '
        f"sco:participant e:ann, e:bob ; {evidence} .\n"
    )
    path.write_text(TURTLE_PREFIXES + source + people + events, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "literal",
    [
        '"0000"^^xsd:gYear',
        '"-0001"^^xsd:gYear',
        '"10000"^^xsd:gYear',
        '"0001-01-01"^^xsd:date',
        '"9999-12"^^xsd:gYearMonth',
    ],
)
def test_queries_over_dates_at_or_past_the_calendar_edges_never_crash(
    cli: Invoke, tmp_path: Path, literal: str
) -> None:
    data = data_with_date(tmp_path, literal)
    chart = tmp_path / "chart.svg"
    commands = [["who-met", "Ann"], ["timeline"], ["stats"], ["show", "Ann"], ["path", "Ann", "Bob"],
                ["members", "Ann"], ["timeline", "--as-of", "9999"], ["timeline", "--output", str(chart)]]  # fmt: skip
    for command in commands:
        result = cli("--no-bundled", "--data", str(data), *command)
        assert result.exit_code in (ExitCode.OK, ExitCode.INVALID_DATA), (command, result.output)
        assert "Traceback" not in result.output
        assert len(result.stderr.splitlines()) <= 1
