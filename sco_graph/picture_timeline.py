"""The timeline chart's labels and ticks: a short name for every event, placed so that none overlaps.

Each lane (an event type) holds its glyphs on one line and its labels in rows above it. A label
starts at its event and runs right (or ends at it and runs left, near the chart's right edge); it
takes the lowest row where it clears the labels already there, and a thin leader line joins it to
its event. A lane grows as tall as its rows, so the chart grows rather than overlaps. Events of one
lane that would carry the same label at the same place share it, with a count (``×3``).

Ticks come from matplotlib's AutoDateLocator (days for a week, months for a year, years for
decades); the labels are as precise as the ticks need and never repeat.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, NamedTuple

from sco_graph.dates import When
from sco_graph.errors import UsageError
from sco_graph.results import EventRow

LABEL_POINTS = 7.0  # the labels' font size
ROW_PIXELS = 17.0  # one label row, at the figure's 120 dots per inch
GAP_PIXELS = 8.0  # the least room between two labels of one row
NAME_CHARACTERS = 28  # a longer name is shortened with an ellipsis
NAMES_SHOWN = 2  # more names are counted: "+3"
MAX_ROWS = 1500  # past this, the chart would be too tall to read (and past what matplotlib can draw)


def short_name(name: str) -> str:
    """A name as a label shows it: no "(unnamed, ...)" note, at most NAME_CHARACTERS long."""
    name = re.sub(r"\s*\(unnamed[^)]*\)", "", name).strip() or name
    return name if len(name) <= NAME_CHARACTERS else name[: NAME_CHARACTERS - 1].rstrip() + "…"


def event_label(event: EventRow) -> str:
    """The date and the people, e.g. ``2023-05-11 Zhang Ming – Sadyr Japarov``; the event's own
    label when nobody is named."""
    names = list(dict.fromkeys(short_name(entity.name) for entity in event.participants))
    if names:
        shown = " – ".join(names[:NAMES_SHOWN])
        more = f" +{len(names) - NAMES_SHOWN}" if len(names) > NAMES_SHOWN else ""
        return f"{event.when} {shown}{more}"
    text = event.label if len(event.label) <= 2 * NAME_CHARACTERS else event.label[: 2 * NAME_CHARACTERS - 1] + "…"
    return f"{event.when} {text}"


class Label(NamedTuple):
    """One label to place: its lane, the day it points at, its text."""

    lane: int
    day: dt.date
    text: str


def labels_of(events: list[tuple[int, dt.date, str]]) -> list[Label]:
    """One label per lane, day and text, with a count when several events share it; in a stable order."""
    counts: dict[tuple[int, dt.date, str], int] = {}
    for key in events:
        counts[key] = counts.get(key, 0) + 1
    return [
        Label(lane, day, text if count == 1 else f"{text} ×{count}")
        for (lane, day, text), count in sorted(counts.items())
    ]


def rows_for(spans: list[tuple[float, float]]) -> list[int]:
    """The row of each span (left, right) in one lane: the lowest row whose labels it clears.

    Spans are taken from left to right (ties in the order given), so the result is deterministic."""
    ends: list[float] = []
    rows = [0] * len(spans)
    for index in sorted(range(len(spans)), key=lambda i: (spans[i][0], i)):
        left, right = spans[index]
        row = next((number for number, end in enumerate(ends) if end + GAP_PIXELS <= left), len(ends))
        if row == len(ends):
            ends.append(right)
        else:
            ends[row] = right
        rows[index] = row
    return rows


def tick_texts(days: list[dt.date]) -> list[str]:
    """Tick labels just as precise as the ticks: years, months or days; a repeat is left blank."""
    if all((day.month, day.day) == (1, 1) for day in days):
        texts = [f"{day.year:04d}" for day in days]
    elif all(day.day == 1 for day in days):
        texts = [f"{day.year:04d}-{day.month:02d}" for day in days]
    else:
        texts = [f"{day.year:04d}-{day.month:02d}-{day.day:02d}" for day in days]
    return [text if text not in texts[:number] else "" for number, text in enumerate(texts)]


def _number(day: dt.date) -> float:
    """matplotlib's number for a day."""
    import matplotlib.dates as mdates

    return float(mdates.date2num(day))  # type: ignore[no-untyped-call]


def _day(number: float) -> dt.date:
    """The day of matplotlib's number."""
    import matplotlib.dates as mdates

    day: dt.datetime = mdates.num2date(number)  # type: ignore[no-untyped-call]
    return day.date()


def set_date_ticks(axes: Any) -> None:
    """Ticks that suit the span, from a few days to millennia, with labels that never repeat."""
    import matplotlib.dates as mdates
    from matplotlib.ticker import Formatter

    class DayFormatter(Formatter):
        def format_ticks(self, values: Any) -> list[str]:
            return tick_texts([_day(value) for value in values])

        def __call__(self, x: Any, pos: Any = None) -> str:  # noqa: ARG002 (matplotlib's signature)
            day = _day(x)
            return f"{day.year:04d}-{day.month:02d}-{day.day:02d}"

    locator = mdates.AutoDateLocator(minticks=3, maxticks=9)  # type: ignore[no-untyped-call]
    axes.xaxis.set_major_locator(locator)
    axes.xaxis.set_major_formatter(DayFormatter())


def place_labels(figure: Any, axes: Any, labels: list[Label], lanes: int, span: tuple[dt.date, dt.date]) -> list[float]:
    """Write every label in its lane, in rows that keep it clear of the others, with leader lines;
    sets the lanes' heights (y limits) and the figure's height to fit. Returns each lane's glyph line."""

    figure.subplots_adjust(left=0.1, right=0.98)
    texts = [
        axes.text(_number(label.day), 0, label.text, fontsize=LABEL_POINTS, va="center", zorder=3,
                  bbox={"boxstyle": "square,pad=0.1", "facecolor": "white", "edgecolor": "none", "alpha": 0.85})
        for label in labels
    ]  # fmt: skip
    renderer = figure.canvas.get_renderer()
    widths = [text.get_window_extent(renderer).width for text in texts]
    width = axes.get_window_extent(renderer).width
    start, stop = (_number(day) for day in span)
    leftward: list[bool] = []
    spans: list[tuple[float, float]] = []
    for label, text_width in zip(labels, widths, strict=True):
        at = (_number(label.day) - start) / (stop - start) * width
        leftward.append(at + text_width > width)  # near the right edge, a label ends at its event
        spans.append((at - text_width, at) if leftward[-1] else (at, at + text_width))
    rows = [0] * len(labels)
    for lane in range(lanes):
        members = [number for number, label in enumerate(labels) if label.lane == lane]
        for number, row in zip(members, rows_for([spans[number] for number in members]), strict=True):
            rows[number] = row
    bases: list[float] = []
    top = 0.0
    for lane in range(lanes):
        bases.append(top)
        top += 1 + max((rows[n] for n, label in enumerate(labels) if label.lane == lane), default=-1) + 1.4
    if top > MAX_ROWS:
        raise UsageError(f"too many events to label in one chart ({len(labels)}): narrow it with --from and --to")
    for label, text, row, left in zip(labels, texts, rows, leftward, strict=True):
        x, y = _number(label.day), bases[label.lane] + 1 + row
        text.set_y(y)
        text.set_horizontalalignment("right" if left else "left")
        axes.plot([x, x], [bases[label.lane], y], "-", color="#999999", linewidth=0.5, zorder=1)
    axes.set_ylim(-0.8, top - 0.6)
    inches = (top + 0.2) * ROW_PIXELS / figure.dpi
    figure.set_figheight(inches + 1.3)
    figure.subplots_adjust(bottom=0.6 / (inches + 1.3), top=1 - 0.7 / (inches + 1.3))
    return bases


def event_days(when: When) -> list[dt.date]:
    """The days an event's glyph is drawn at: one for a day or a "by D" marker, two for a bar's ends."""
    if when.date is not None:
        first, last = when.date.earliest(), (when.end or when.date).latest()
        if first == last:
            return [first]
        return [first, last if last == dt.date.max else last + dt.timedelta(days=1)]
    return [when.not_after.latest()] if when.not_after is not None else []
