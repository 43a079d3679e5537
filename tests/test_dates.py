"""Dates keep their precision, print at it, and sort in a total order."""

from __future__ import annotations

import datetime as dt

import pytest

from sco_graph.dates import PartialDate, When, parse_user_date
from sco_graph.errors import UsageError


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
