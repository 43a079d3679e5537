"""Dates at their true precision: a day, a month or a year.

A month-precision date is never padded to an invented first day. Mixed
precisions sort by the earliest day they may denote, a coarser date before the
finer dates it contains (2018, then 2018-05, then 2018-05-03), which is a total
order.

Only the years Python's calendar holds (0001 to 9999) are dates. Text of any
other shape, however long or strange (non-ASCII digits, trailing garbage, year
0, year 10000), is refused with :class:`ValueError`, and a user's text with a
one-line :class:`UsageError` naming the option: never a crash.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from typing import Literal, NamedTuple

from sco_graph.errors import UsageError
from sco_graph.escape import visible

Precision = Literal["year", "month", "day"]

XSD = "http://www.w3.org/2001/XMLSchema#"
DATATYPE_PRECISION: dict[str, Precision] = {
    XSD + "gYear": "year",
    XSD + "gYearMonth": "month",
    XSD + "date": "day",
}
PRECISION_DATATYPE = {precision: datatype for datatype, precision in DATATYPE_PRECISION.items()}

# ASCII digits only: "\d" would also take Arabic-Indic and other digits that int() reads.
# The year may be signed or longer than four digits (XSD allows both) so that the error can say why it is refused.
_PATTERN = re.compile(r"(-?[0-9]{4,})(?:-([0-9]{2})(?:-([0-9]{2}))?)?", re.ASCII)
_BLANKS = " \t\r\n"  # the whitespace XSD collapses around a date, and a user may type
FIRST_YEAR, LAST_YEAR = dt.MINYEAR, dt.MAXYEAR
_SHOWN = 40  # characters of a rejected text quoted in a message


def _quoted(text: str) -> str:
    """A rejected text for a one-line message: short, control characters and lone surrogates escaped."""
    shown = text if len(text) <= _SHOWN else text[: _SHOWN - 1] + "…"
    return "'" + visible(shown).encode("utf-8", "backslashreplace").decode("utf-8") + "'"


class PartialDate(NamedTuple):
    """A calendar date known to a year, a month or a day."""

    year: int
    month: int | None = None
    day: int | None = None

    @classmethod
    def checked(cls, year: int, month: int | None = None, day: int | None = None) -> PartialDate:
        """A date whose parts are checked: a real month, a real day of that month."""
        if not FIRST_YEAR <= year <= LAST_YEAR:
            raise ValueError(f"year {year} is outside {FIRST_YEAR:04d} to {LAST_YEAR:04d}")
        if day is not None and month is None:
            raise ValueError("a day needs a month")
        if month is not None and not 1 <= month <= 12:
            raise ValueError(f"month {month} is out of range")
        if day is not None and month is not None:
            dt.date(year, month, day)  # raises ValueError when impossible
        return cls(year, month, day)

    @property
    def precision(self) -> Precision:
        if self.day is not None:
            return "day"
        return "month" if self.month is not None else "year"

    @property
    def datatype(self) -> str:
        """The XSD datatype IRI that carries this precision in RDF."""
        return PRECISION_DATATYPE[self.precision]

    def earliest(self) -> dt.date:
        return dt.date(self.year, self.month or 1, self.day or 1)

    def latest(self) -> dt.date:
        if self.day is not None and self.month is not None:
            return dt.date(self.year, self.month, self.day)
        if self.month is not None:
            return dt.date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])
        return dt.date(self.year, 12, 31)

    def sort_key(self) -> tuple[dt.date, int]:
        """Earliest day first; on a tie the coarser date (which contains the finer) first."""
        return (self.earliest(), {"year": 0, "month": 1, "day": 2}[self.precision])

    def __str__(self) -> str:
        if self.day is not None:
            return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"
        if self.month is not None:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}"

    @classmethod
    def parse(cls, text: str) -> PartialDate:
        """Parse ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``; raise :class:`ValueError` otherwise."""
        match = _PATTERN.fullmatch(text.strip(_BLANKS))
        if not match:
            raise ValueError(f"{_quoted(text)} is not a date of the form YYYY, YYYY-MM or YYYY-MM-DD")
        year_text, month_text, day_text = match.groups()
        if len(year_text.lstrip("-")) > len(str(LAST_YEAR)):  # a thousand digits would cost int() a while
            raise ValueError(f"{_quoted(text)} is not a real date (its year is outside 0001 to 9999)")
        month = int(month_text) if month_text else None
        day = int(day_text) if day_text else None
        try:
            return cls.checked(int(year_text), month, day)
        except ValueError as error:
            raise ValueError(f"{_quoted(text)} is not a real date ({error})") from None

    @classmethod
    def from_literal(cls, lexical: str, datatype: str) -> PartialDate:
        """Read an ``xsd:date``, ``xsd:gYearMonth`` or ``xsd:gYear`` literal."""
        expected = DATATYPE_PRECISION.get(datatype)
        if expected is None:
            raise ValueError(f"datatype <{datatype}> is not xsd:date, xsd:gYearMonth or xsd:gYear")
        parsed = cls.parse(lexical)
        if parsed.precision != expected:
            raise ValueError(f"{lexical!r} does not have the precision of its datatype ({expected})")
        return parsed


def parse_user_date(text: str, option: str = "--as-of") -> PartialDate:
    """Parse a date typed by a user, turning mistakes into a one-line usage error."""
    try:
        return PartialDate.parse(text)
    except ValueError as error:
        raise UsageError(f"{option}: {error}") from None


class When(NamedTuple):
    """When an event happened: a date (maybe spanning to an end date) or only a latest bound."""

    date: PartialDate | None = None
    end: PartialDate | None = None
    not_after: PartialDate | None = None

    def earliest(self) -> dt.date | None:
        return self.date.earliest() if self.date else None

    def latest(self) -> dt.date | None:
        if self.end:
            return self.end.latest()
        if self.date:
            return self.date.latest()
        return self.not_after.latest() if self.not_after else None

    def sort_key(self) -> tuple[dt.date, int]:
        """Dated events by their date; undated ones at their latest possible day."""
        if self.date:
            return self.date.sort_key()
        if self.not_after:
            return (self.not_after.latest(), 3)
        return (dt.date.max, 4)

    def happened_by(self, day: dt.date) -> bool:
        """Whether the event certainly happened (or began) on or before ``day``."""
        if self.date is not None:
            return self.date.latest() <= day
        return self.not_after is not None and self.not_after.latest() <= day

    def overlaps(self, start: dt.date | None, stop: dt.date | None) -> bool:
        """Whether this may fall within [start, stop] (open ends unbounded)."""
        latest = self.latest()
        earliest = self.earliest()
        if start is not None and latest is not None and latest < start:
            return False
        return not (stop is not None and earliest is not None and earliest > stop)

    def __str__(self) -> str:
        if self.date and self.end:
            return f"{self.date}/{self.end}"
        if self.date:
            return str(self.date)
        if self.not_after:
            return f"by {self.not_after}"
        return "undated"

    def as_json(self) -> dict[str, str | None]:
        return {
            "date": str(self.date) if self.date else None,
            "end": str(self.end) if self.end else None,
            "not_after": str(self.not_after) if self.not_after else None,
            "precision": self.date.precision if self.date else None,
        }
