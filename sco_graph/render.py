"""The one renderer: every result leaves through :func:`render` as a table, JSON or CSV.

Each result is first laid out as neutral blocks (lines, tables, trees). On a
terminal rich draws them; piped, or with NO_COLOR set, a plain writer prints the
same layout without colour, and without importing rich, so scripted use stays
fast. JSON is each result's documented ``as_json`` shape. CSV and JSON Lines
flatten a result into the same rows, one per fact: CSV as text cells, JSON Lines
as one object a line with typed members (numbers, booleans, null, lists).
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterable
from typing import IO, TYPE_CHECKING, Any, Literal, NamedTuple

from sco_graph.escape import json_text, visible
from sco_graph.results import HEADLINE_MARK, SparqlResult, cite

if TYPE_CHECKING:
    from sco_graph.cache import CacheInfo
    from sco_graph.results import (
        Card,
        Common,
        EventRow,
        Members,
        Neighbour,
        Neighbours,
        Paths,
        SearchResult,
        Stats,
        Timeline,
        WhoMet,
    )
    from sco_graph.validate import Report

    Result = (
        WhoMet
        | Neighbours
        | Paths
        | Timeline
        | Card
        | Common
        | SearchResult
        | Members
        | Stats
        | Report
        | SparqlResult
        | CacheInfo
    )

Format = Literal["table", "json", "jsonl", "csv"]
FORMATS: tuple[str, ...] = ("table", "json", "jsonl", "csv")
# A row of CSV or JSON Lines: text, a count, a flag, a list of names, or a list of sources.
Cell = str | int | float | bool | None | list[str] | list[dict[str, str]]


class Line(NamedTuple):
    text: str
    style: str = ""


class Grid(NamedTuple):
    title: str
    columns: list[str]
    rows: list[list[str]]


class Node(NamedTuple):
    label: str
    children: list[Node]
    style: str = ""


Block = Line | Grid | Node


def render(result: Result, fmt: Format = "table", stream: IO[str] | None = None) -> None:
    """Write ``result`` to ``stream`` (standard output by default) in ``fmt``."""
    out = stream or sys.stdout
    kind = type(result).__name__
    if isinstance(result, SparqlResult):
        from sco_graph.sparql_output import write_sparql

        write_sparql(result, fmt, out)
    elif fmt == "json":
        out.write(json_text(json.dumps(result.as_json(), ensure_ascii=False, indent=2)) + "\n")
    elif fmt == "jsonl":
        for row in CSV_ROWS[kind](result):
            out.write(json_text(json.dumps(row, ensure_ascii=False)) + "\n")
    elif fmt == "csv":
        import csv

        rows = [{key: _csv_cell(key, value) for key, value in row.items()} for row in CSV_ROWS[kind](result)]
        columns = list(dict.fromkeys(key for row in rows for key in row))
        writer = csv.DictWriter(out, fieldnames=columns or ["result"], lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    else:
        blocks = [_escaped(block) for block in LAYOUTS[kind](result)]
        if out.isatty() and not os.environ.get("NO_COLOR"):
            _draw_rich(blocks, out)
        else:
            _draw_plain(blocks, out)


# ------------------------------------------------------------------ drawing
def _escaped(block: Block) -> Block:
    """The block with every text made visible: data never sends escape sequences or line breaks to the reader."""
    if isinstance(block, Grid):
        return Grid(
            visible(block.title), [visible(c) for c in block.columns], [[visible(c) for c in r] for r in block.rows]
        )
    if isinstance(block, Node):
        return _escaped_node(block)
    return Line(visible(block.text), block.style)


def _escaped_node(node: Node) -> Node:
    return Node(visible(node.label), [_escaped_node(child) for child in node.children], node.style)


def _draw_rich(blocks: list[Block], out: IO[str]) -> None:
    from rich.console import Console
    from rich.text import Text
    from rich.tree import Tree

    def tree(node: Node, into: Any) -> None:
        for child in node.children:
            tree(child, into.add(Text(child.label, style=child.style)))

    console = Console(file=out, highlight=False)
    for block in blocks:
        if isinstance(block, Grid):
            _rich_grid(block, console)
        elif isinstance(block, Node):
            root = Tree(Text(block.label, style=block.style or "bold"))
            tree(block, root)
            console.print(root)
        else:
            _rich_line(Text(block.text, style=block.style), console)


# Columns whose cells are dates or periods: kept whole on one line when they are this short or shorter.
DATE_COLUMNS = {"Date", "Period"}
_WHOLE_DATE = 24


def _tokens(text: str) -> list[str]:
    return text.split() or [""]


def _longest_token(texts: Iterable[str]) -> int:
    from rich.cells import cell_len

    return max((cell_len(token) for text in texts for token in _tokens(text)), default=0)


def _column_widths(block: Grid, room: int) -> list[int] | None:
    """Widths that fit ``room`` cells with every word whole (dates whole), or None when none do.

    Each column keeps at least its longest word (a date column its longest date); when
    the natural widths do not fit, the widest columns give way first.
    """
    from rich.cells import cell_len

    columns = [[header, *(row[index] for row in block.rows)] for index, header in enumerate(block.columns)]
    widest = [max(cell_len(cell) for cell in cells) for cells in columns]
    least = [_longest_token(cells) for cells in columns]
    for index, header in enumerate(block.columns):
        if header in DATE_COLUMNS:
            dates = [cell_len(cell) for cell in columns[index][1:] if cell_len(cell) <= _WHOLE_DATE]
            least[index] = max([least[index], *dates])
    if sum(least) > room:
        return None
    widths = list(widest)
    while sum(widths) > room:  # narrow the widest column that can still give room, one cell at a time
        index = max((number for number in range(len(widths)) if widths[number] > least[number]),
                    key=lambda number: widths[number])  # fmt: skip
        widths[index] -= 1
    return widths


def _rich_grid(block: Grid, console: Any) -> None:
    """A table whose cells wrap at spaces only; too narrow a terminal gets one record per row instead."""
    from rich import box
    from rich.table import Table
    from rich.text import Text

    overhead = 3 * len(block.columns) + 1  # padding of one each side, a space between columns and at the edges
    widths = _column_widths(block, console.width - overhead)
    if widths is None:
        _rich_records(block, console)
        return
    table = Table(title=Text(block.title), box=box.SIMPLE_HEAD, title_justify="left")
    for column, width in zip(block.columns, widths, strict=True):
        table.add_column(column, width=width, overflow="fold")  # wide enough for every word: wraps at spaces only
    for row in block.rows:
        table.add_row(*(Text(cell) for cell in row))
    console.print(table)


def _rich_records(block: Grid, console: Any) -> None:
    """Each row as ``Column: value`` lines, for a table too wide for the terminal."""
    from rich.text import Text

    console.print(Text(block.title, style="italic"))
    for row in block.rows:
        console.print()
        for column, cell in zip(block.columns, row, strict=True):
            if cell:
                _rich_line(Text.assemble((f"{column}: ", "bold"), cell), console)
    console.print()


def _rich_line(text: Any, console: Any) -> None:
    """A line wrapped at spaces; one holding a word longer than the terminal is left to the terminal to wrap."""
    console.print(text, soft_wrap=_longest_token([text.plain]) > console.width)


def _draw_plain(blocks: list[Block], out: IO[str]) -> None:
    for block in blocks:
        if isinstance(block, Grid):
            out.write(block.title + "\n\n")
            widths = [max(len(cell) for cell in column) for column in zip(block.columns, *block.rows, strict=True)]
            for number, row in enumerate([block.columns, *block.rows]):
                out.write("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip() + "\n")
                if number == 0:
                    out.write("  ".join("-" * width for width in widths) + "\n")
            out.write("\n")
        elif isinstance(block, Node):
            out.write(block.label + "\n")
            _plain_tree(block.children, "", out)
        else:
            out.write(block.text + "\n")


def _plain_tree(children: list[Node], prefix: str, out: IO[str]) -> None:
    for number, child in enumerate(children):
        last = number == len(children) - 1
        out.write(f"{prefix}{'└── ' if last else '├── '}{child.label}\n")
        _plain_tree(child.children, prefix + ("    " if last else "│   "), out)


def _names(entities: Iterable[Any]) -> str:
    return ", ".join(entity.name for entity in entities)


# ------------------------------------------------------------------ layouts
def _who_met_layout(result: WhoMet) -> list[Block]:
    when = f" (as of {result.as_of})" if result.as_of else ""
    if not result.meetings:
        return [Line(f"{result.subject.name} met no one in the data{when}.")]
    rows = []
    for row in result.meetings:
        event = row.event
        occasion = event.occasion or ""
        requested = [entity.name for role, entity in event.roles if role == "requested by"]
        if requested:
            occasion += f"{'; ' if occasion else ''}requested by {', '.join(requested)}"
        if event.headline_only:
            occasion += f" {HEADLINE_MARK}"
        place = event.place.name if event.place else ""
        rows.append([str(event.when), row.counterpart.name, place, occasion, cite(event.citations)])
    return [Grid(f"Who {result.subject.name} met{when}", ["Date", "Met", "Place", "Occasion", "Sources"], rows)]


def _neighbour_nodes(rows: tuple[Neighbour, ...]) -> list[Node]:
    groups: dict[str, list[Neighbour]] = {}
    for row in rows:
        groups.setdefault(row.relation, []).append(row)
    nodes = []
    for relation, members in groups.items():
        children = []
        for row in members:
            edge = row.edge
            detail = f" ({edge.detail})" if edge.detail else ""
            via = f" — via {row.via.name}" if row.via else ""
            mark = f" {HEADLINE_MARK}" if edge.headline_only else ""
            label = f"{row.other.name} ({row.other.type}){detail} {edge.date_text()}{mark} {cite(edge.citations)}{via}"
            children.append(Node(" ".join(label.split()), _neighbour_nodes(row.children)))
        nodes.append(Node(relation, children, "bold"))
    return nodes


def _neighbours_layout(result: Neighbours) -> list[Block]:
    when = f" as of {result.as_of}" if result.as_of else ""
    if not result.neighbours:
        return [Line(f"{result.subject.name} has no related entities in the data{when}.")]
    return [Node(f"{result.subject.name} ({result.subject.type}){when}", _neighbour_nodes(result.neighbours), "bold")]


def _paths_layout(result: Paths) -> list[Block]:
    lines: list[Block] = []
    when = f" as of {result.as_of}" if result.as_of else ""
    if result.via or result.avoid or result.chronological:
        rules = [f"only by {', '.join(result.via)}"] if result.via else []
        rules += [f"avoiding {_names(result.avoid)}"] if result.avoid else []
        rules += ["each hop no earlier than the one before"] if result.chronological else []
        lines.append(Line(f"Paths {'; '.join(rules)}", "dim"))
    if result.statement_only:
        lines.append(Line(f"Nothing stronger than a statement connects {result.start.name} and {result.end.name} "
                          f"within {result.max_hops} hops: hops marked (statement only) rest on what was said.",
                          "yellow"))  # fmt: skip
    for number, path in enumerate(result.paths, 1):
        weakest = max(path, key=lambda hop: _CLASSES.index(hop.strength) if hop.strength in _CLASSES else 0)
        lines.append(Line(f"Path {number}: {len(path)} hop{'s' if len(path) != 1 else ''}{when}; "
                          f"weakest link: {weakest.strength}", "bold"))  # fmt: skip
        for step, hop in enumerate(path, 1):
            mark = " (statement only)" if hop.strength == "statement" else ""
            lines.append(Line(f"  {step}. {hop.edge.statement()}{mark}"))
            lines.extend(Line(f"       also: {edge.statement()}", "dim") for edge in hop.others)
    if not result.complete:
        from sco_graph.paths import STEP_BUDGET

        lines.append(Line(f"(the search stopped after {STEP_BUDGET:,} steps, so longer paths may be missing; "
                          "lower --max-hops for a complete list)", "dim"))  # fmt: skip
    elif result.truncated:
        lines.append(Line(f"(only the first {len(result.paths)} paths are shown)", "dim"))
    return lines


_CLASSES = ("contact", "organisational tie", "joint act", "statement")


def _sides_text(edges: Iterable[Any]) -> str:
    return "; ".join(" ".join(f"{edge.relation} {edge.date_text()}".split()) for edge in edges)


def _common_layout(result: Common) -> list[Block]:
    when = f" (as of {result.as_of})" if result.as_of else ""
    one, two = result.first.name, result.second.name
    if not (result.direct or result.events or result.offices or result.shared):
        return [Line(f"{one} and {two} share nothing in the data{when}.")]
    blocks: list[Block] = [Line(f"What {one} and {two} share{when}", "bold")]
    if result.direct:
        rows = [[edge.date_text(), edge.statement()] for edge in result.direct]
        blocks.append(Grid("Between them", ["Date", "Statement"], rows))
    if result.events:
        blocks.append(Grid("Events together", EVENT_COLUMNS, [_event_cells(event) for event in result.events]))
    if result.offices:
        rows = [[o.role, o.organisation.name, _sides_text(o.first), _sides_text(o.second),
                 cite((*[c for e in o.first for c in e.citations], *[c for e in o.second for c in e.citations]))]
                for o in result.offices]  # fmt: skip
        blocks.append(Grid("Offices both held", ["Office", "In", one, two, "Sources"], rows))
    if result.shared:
        rows = [[row.kind, row.entity.name, row.strength, _sides_text(row.first), _sides_text(row.second),
                 cite((*[c for e in row.first for c in e.citations], *[c for e in row.second for c in e.citations]))]
                for row in result.shared]  # fmt: skip
        blocks.append(Grid("Related to both", ["Kind", "Entity", "Strength", one, two, "Sources"], rows))
    return blocks


EVENT_COLUMNS = ["Date", "Type", "Event", "Participants", "Place", "Sources"]


def _event_cells(event: EventRow) -> list[str]:
    label = event.label + (f" — via {event.via.name}" if event.via else "")
    label += f" {HEADLINE_MARK}" if event.headline_only else ""
    place = event.place.name if event.place else ""
    return [str(event.when), event.type_text, label, _names(event.participants), place, cite(event.citations)]


def _timeline_layout(result: Timeline) -> list[Block]:
    subject = f" of {_names(result.subjects)}" if result.subjects else ""
    if not result.events:
        return [Line(f"No events{subject} in the data for that selection.")]
    return [Grid(f"Timeline{subject}", EVENT_COLUMNS, [_event_cells(event) for event in result.events])]


def _card_layout(result: Card) -> list[Block]:
    entity = result.entity
    blocks: list[Block] = [Line(f"{entity.name} ({entity.type})", "bold"), Line(entity.iri, "dim")]
    if result.aliases:
        blocks.append(Line("Also called: " + "; ".join(result.aliases)))
    if result.comment:
        blocks.append(Line(result.comment, "italic"))
    sections = (("Relations", result.relations), ("Positions", result.positions), ("Memberships", result.memberships))
    for title, edges in sections:
        if edges:
            blocks.append(Grid(title, ["Statement"], [[edge.statement()] for edge in edges]))
    if result.events:
        blocks.append(Grid("Events", EVENT_COLUMNS, [_event_cells(event) for event in result.events]))
    if result.counterparts:
        blocks.append(Line("Met: " + _names(result.counterparts)))
    evidence = [[citation.source.short, f"“{citation.quote}”"] for citation in result.citations]
    blocks.append(Grid("Sources", ["Source", "Evidence"], evidence))
    return blocks


def _search_layout(result: SearchResult) -> list[Block]:
    if not result.hits:
        return [Line(f"Nothing in the data looks like {result.text!r}.")]
    rows = [[f"{hit.score:.1f}", hit.entity.name, hit.entity.type, hit.matched] for hit in result.hits]
    return [Grid(f"Search: {result.text}", ["Score", "Name", "Type", "Matched name"], rows)]


def _members_layout(result: Members) -> list[Block]:
    when = f" on {result.as_of}" if result.as_of else ""
    organisations = _names(result.organisations)
    columns = ["Organisation", "Member", "Status", "Period", *(["Certainty"] if result.as_of else []), "Sources"]
    rows = []
    for row in result.rows:
        certainty = [row.certainty] if result.as_of else []
        rows.append(
            [row.organisation.name, row.member.name, row.status, str(row.period), *certainty, cite(row.citations)]
        )
    blocks: list[Block] = [
        Grid(f"Members of {organisations}{when}", columns, rows)
        if rows
        else Line(f"No members of {organisations}{when} in the data.")
    ]
    if result.not_known:
        listed = ", ".join(f"{row.member.name} ({row.status}, {row.period})" for row in result.not_known)
        blocks.append(Line(f"Not known{when}: the sources attest these only later: {listed}"))
    return blocks


def _stats_layout(result: Stats) -> list[Block]:
    title = f"sco-graph data: {result.triples} triples, {result.sources} sources, {result.relations} relations"
    counts = [
        [kind, name, str(number)]
        for kind, table in (("entity", result.entities), ("event", result.events), ("fact", result.facts))
        for name, number in table.items()
    ]
    if result.betweenness_absent:
        ranked = [[r.entity.name, r.entity.type, str(r.degree)] for r in result.top]
        grid = Grid("Most connected", ["Entity", "Type", "Degree"], ranked)
        notes: list[Block] = [Line(f"No betweenness: {result.betweenness_absent}.")]
    else:
        ranked = [[r.entity.name, r.entity.type, str(r.degree), f"{r.betweenness:.4f}"] for r in result.top]
        grid = Grid("Most connected", ["Entity", "Type", "Degree", "Betweenness"], ranked)
        notes = []
    return [
        Grid(title, ["Kind", "Type", "Count"], counts),
        grid,
        *notes,
        Line(f"Dates covered: {result.earliest or '?'} to {result.latest or '?'}"),
    ]


def _report_layout(result: Report) -> list[Block]:
    what = "syntax" if result.syntax_only else "data"
    if result.conforms:
        return [Line(f"OK: {len(result.files)} file(s), {result.triples} triples; the {what} conforms.")]
    lines: list[Block] = [Line(str(problem)) for problem in result.problems]
    lines.append(Line(f"{len(result.problems)} problem(s) in {len(result.files)} file(s).", "bold"))
    return lines


def _cache_layout(result: CacheInfo) -> list[Block]:
    size = f"{result.bytes / 1_048_576:.1f} MiB"
    return [
        Grid("sco-graph cache", ["Folder", "Compiled stores", "Size"], [[result.folder, str(result.entries), size]])
    ]


LAYOUTS: dict[str, Callable[[Any], list[Block]]] = {
    "CacheInfo": _cache_layout,
    "WhoMet": _who_met_layout,
    "Neighbours": _neighbours_layout,
    "Paths": _paths_layout,
    "Timeline": _timeline_layout,
    "Card": _card_layout,
    "Common": _common_layout,
    "SearchResult": _search_layout,
    "Members": _members_layout,
    "Stats": _stats_layout,
    "Report": _report_layout,
}


# ------------------------------------------------------------------ CSV and JSON Lines
# How a list is joined into one CSV cell (" | " unless named here).
_JOINERS = {"participants": "; ", "attested": " "}


def _csv_cell(key: str, value: Cell) -> str:
    """One row value as CSV text: flags as true/false, null as empty, lists joined."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.1f}"
    if isinstance(value, list):
        parts = [f"{item['source']}: {item['quote']}" if isinstance(item, dict) else item for item in value]
        return visible(_JOINERS.get(key, " | ").join(parts))
    return visible(str(value))


def _sources(citations: Iterable[Any]) -> list[dict[str, str]]:
    return [{"source": c.source.short, "quote": c.quote} for c in citations]


def _text(value: object) -> str | None:
    return None if value is None else str(value)


def _who_met_rows(result: WhoMet) -> Iterable[dict[str, Cell]]:
    for row in result.meetings:
        event = row.event
        yield {
            "subject": result.subject.name,
            "counterpart": row.counterpart.name,
            "counterpart_iri": row.counterpart.iri,
            "date": str(event.when),
            "place": event.place.name if event.place else "",
            "occasion": event.occasion or "",
            "event": event.iri,
            "headline_only": (event.headline_only),
            "sources": _sources(event.citations),
        }


def _flatten(rows: tuple[Neighbour, ...], parent: str, level: int) -> Iterable[dict[str, Cell]]:
    for row in rows:
        yield {
            "level": level,
            "from": parent,
            "relation": row.relation,
            "entity": row.other.name,
            "entity_iri": row.other.iri,
            "type": row.other.type,
            "date": row.edge.date_text(),
            "via": row.via.name if row.via else "",
            "headline_only": (row.edge.headline_only),
            "sources": _sources(row.edge.citations),
        }
        yield from _flatten(row.children, row.other.name, level + 1)


def _path_rows(result: Paths) -> Iterable[dict[str, Cell]]:
    for number, path in enumerate(result.paths, 1):
        for step, hop in enumerate(path, 1):
            yield {
                "path": number,
                "step": step,
                "from": hop.start.name,
                "relation": hop.edge.relation,
                "strength": hop.strength,
                "to": hop.end.name,
                "date": hop.edge.date_text(),
                "statement": hop.edge.statement(),
                "other_relations": [edge.statement() for edge in hop.others],
                "headline_only": (hop.edge.headline_only),
                "sources": _sources(hop.edge.citations),
            }


def _common_rows(result: Common) -> Iterable[dict[str, Cell]]:
    for edge in result.direct:
        yield {"section": "between", "kind": edge.relation, "entity": "", "entity_iri": "", "strength": "",
               "first": edge.statement(), "second": "", "sources": _sources(edge.citations)}  # fmt: skip
    for event in result.events:
        yield {"section": "event", "kind": event.type, "entity": event.label, "entity_iri": event.iri,
               "strength": "", "first": str(event.when), "second": str(event.when),
               "sources": _sources(event.citations)}  # fmt: skip
    for office in result.offices:
        yield {"section": "office", "kind": office.role, "entity": office.organisation.name,
               "entity_iri": office.organisation.iri, "strength": "", "first": _sides_text(office.first),
               "second": _sides_text(office.second),
               "sources": _sources([c for e in (*office.first, *office.second) for c in e.citations])}  # fmt: skip
    for row in result.shared:
        yield {"section": "shared", "kind": row.kind, "entity": row.entity.name, "entity_iri": row.entity.iri,
               "strength": row.strength, "first": _sides_text(row.first), "second": _sides_text(row.second),
               "sources": _sources([c for e in (*row.first, *row.second) for c in e.citations])}  # fmt: skip


def _event_row(event: EventRow) -> dict[str, Cell]:
    return {
        "date": str(event.when),
        "type": event.type_text,
        "event": event.label,
        "event_iri": event.iri,
        "participants": [entity.name for entity in event.participants],
        "place": event.place.name if event.place else "",
        "via": event.via.name if event.via else "",
        "cameo": event.cameo or "",
        "headline_only": (event.headline_only),
        "sources": _sources(event.citations),
    }


def _card_rows(result: Card) -> Iterable[dict[str, Cell]]:
    for section, edges in (
        ("relation", result.relations),
        ("position", result.positions),
        ("membership", result.memberships),
    ):
        for edge in edges:
            yield {
                "section": section,
                "statement": edge.statement(),
                "date": edge.date_text(),
                "headline_only": (edge.headline_only),
                "sources": _sources(edge.citations),
            }
    for event in result.events:
        yield {
            "section": "event",
            "statement": event.label,
            "date": str(event.when),
            "headline_only": (event.headline_only),
            "sources": _sources(event.citations),
        }


def _member_rows(result: Members) -> Iterable[dict[str, Cell]]:
    for row in (*result.rows, *result.not_known):
        yield {
            "organisation": row.organisation.name,
            "member": row.member.name,
            "member_iri": row.member.iri,
            "status": row.status,
            "start": _text(row.period.start),
            "end": _text(row.period.end),
            "attested": [str(day) for day in row.period.attested],
            "ended_by": _text(row.period.ended_by),  # a bound from a later status, never an end
            "certainty": row.certainty or None,
            "sources": _sources(row.citations),
        }


def _stats_rows(result: Stats) -> Iterable[dict[str, Cell]]:
    for kind, table in (("entity", result.entities), ("event", result.events), ("fact", result.facts)):
        for name, number in table.items():
            yield {"kind": kind, "name": name, "value": number}
    for rank in result.top:
        yield {"kind": "degree", "name": rank.entity.name, "value": rank.degree}


CSV_ROWS: dict[str, Callable[[Any], Iterable[dict[str, Cell]]]] = {
    "CacheInfo": lambda result: [{"folder": result.folder, "entries": result.entries, "bytes": result.bytes}],
    "WhoMet": _who_met_rows,
    "Neighbours": lambda result: _flatten(result.neighbours, result.subject.name, 1),
    "Paths": _path_rows,
    "Timeline": lambda result: (_event_row(event) for event in result.events),
    "Card": _card_rows,
    "Common": _common_rows,
    "SearchResult": lambda result: (
        {
            "score": round(hit.score, 1),
            "name": hit.entity.name,
            "iri": hit.entity.iri,
            "type": hit.entity.type,
            "matched": hit.matched,
        }
        for hit in result.hits
    ),
    "Members": _member_rows,
    "Stats": _stats_rows,
    "Report": lambda result: ({"location": p.location, "message": p.message} for p in result.problems),
}
