"""The one renderer: every result leaves through :func:`render` as a table, JSON or CSV.

Tables and trees are drawn with rich on a terminal; piped or with NO_COLOR set,
the same layout is written without colour. JSON is each result's documented
``as_json`` shape. CSV flattens a result into one row per fact.
"""

from __future__ import annotations

import csv
import json
import os
import sys
from collections.abc import Callable, Iterable
from typing import IO, TYPE_CHECKING, Any, Literal

from sco_graph.results import (
    Card,
    EventRow,
    Members,
    Neighbour,
    Neighbours,
    Paths,
    SearchResult,
    Stats,
    Timeline,
    WhoMet,
    cite,
)
from sco_graph.validate import Report

if TYPE_CHECKING:
    from rich.console import Console, RenderableType

Format = Literal["table", "json", "csv"]
Result = WhoMet | Neighbours | Paths | Timeline | Card | SearchResult | Members | Stats | Report


def render(result: Result, fmt: Format = "table", stream: IO[str] | None = None) -> None:
    """Write ``result`` to ``stream`` (standard output by default) in ``fmt``."""
    out = stream or sys.stdout
    if fmt == "json":
        out.write(json.dumps(result.as_json(), ensure_ascii=False, indent=2) + "\n")
    elif fmt == "csv":
        rows = list(CSV_ROWS[type(result)](result))
        columns = list(dict.fromkeys(key for row in rows for key in row))
        writer = csv.DictWriter(out, fieldnames=columns or ["result"], lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    else:
        console = _console(out)
        for renderable in TABLES[type(result)](result):
            console.print(renderable)


def _console(out: IO[str]) -> Console:
    from rich.console import Console

    plain = bool(os.environ.get("NO_COLOR")) or not out.isatty()
    return Console(file=out, no_color=plain, highlight=False, soft_wrap=False, width=None if out.isatty() else 160)


def _table(title: str, columns: Iterable[str]) -> Any:
    from rich import box
    from rich.table import Table
    from rich.text import Text

    table = Table(title=Text(title), box=box.SIMPLE_HEAD, title_justify="left", show_lines=False)
    for column in columns:
        table.add_column(column, overflow="fold")
    return table


def _row(table: Any, *cells: str) -> None:
    """Add a row of plain text: data never passes through rich's markup parser."""
    from rich.text import Text

    table.add_row(*(Text(cell) for cell in cells))


def _plain(text: str) -> RenderableType:
    from rich.text import Text

    return Text(text)


def _names(entities: Iterable[Any]) -> str:
    return ", ".join(entity.name for entity in entities)


# ------------------------------------------------------------------ tables
def _who_met_table(result: WhoMet) -> list[RenderableType]:
    when = f" (as of {result.as_of})" if result.as_of else ""
    if not result.meetings:
        return [_plain(f"{result.subject.name} met no one in the data{when}.")]
    table = _table(f"Who {result.subject.name} met{when}", ["Date", "Met", "Place", "Occasion", "Sources"])
    for row in result.meetings:
        event = row.event
        occasion = event.occasion or ""
        requested = [entity.name for role, entity in event.roles if role == "requested by"]
        if requested:
            occasion += f"{'; ' if occasion else ''}requested by {', '.join(requested)}"
        if event.headline_only:
            occasion += " (headline only)"
        _row(table, str(event.when), row.counterpart.name, event.place.name if event.place else "", occasion, cite(event.citations))
    return [table]


def _add_branch(tree: Any, rows: tuple[Neighbour, ...]) -> None:
    from rich.markup import escape

    groups: dict[str, list[Neighbour]] = {}
    for row in rows:
        groups.setdefault(row.relation, []).append(row)
    for relation, members in groups.items():
        branch = tree.add(f"[bold]{escape(relation)}[/bold]")
        for row in members:
            node = branch.add(_neighbour_label_escaped(row))
            if row.children:
                _add_branch(node, row.children)


def _neighbour_label_escaped(row: Neighbour) -> str:
    from rich.markup import escape

    detail = f" ({escape(row.edge.detail)})" if row.edge.detail and row.edge.node and row.edge.when is None else ""
    via = f" — via {escape(row.via.name)}" if row.via else ""
    date = escape(row.edge.date_text())
    return f"{escape(row.other.name)} [dim]({row.other.type})[/dim]{detail} {date} {escape(cite(row.edge.citations))}{via}"


def _neighbours_tree(result: Neighbours) -> list[RenderableType]:
    from rich.markup import escape
    from rich.tree import Tree

    when = f" as of {result.as_of}" if result.as_of else ""
    if not result.neighbours:
        return [_plain(f"{result.subject.name} has no related entities in the data{when}.")]
    tree = Tree(f"[bold]{escape(result.subject.name)}[/bold] ({result.subject.type}){when}")
    _add_branch(tree, result.neighbours)
    return [tree]


def _paths_text(result: Paths) -> list[RenderableType]:
    from rich.text import Text

    lines: list[RenderableType] = []
    when = f" as of {result.as_of}" if result.as_of else ""
    for number, path in enumerate(result.paths, 1):
        lines.append(Text(f"Path {number}: {len(path)} hop{'s' if len(path) != 1 else ''}{when}", style="bold"))
        for step, hop in enumerate(path, 1):
            more = f" (+{hop.alternatives} other relation{'s' if hop.alternatives != 1 else ''})" if hop.alternatives else ""
            lines.append(Text(f"  {step}. {hop.edge.statement()}{more}"))
    if result.truncated:
        lines.append(Text(f"(only the first {len(result.paths)} paths are shown)", style="dim"))
    return lines


def _event_cells(event: EventRow) -> list[str]:
    label = event.label + (f" — via {event.via.name}" if event.via else "")
    return [str(event.when), event.type, label, _names(event.participants), event.place.name if event.place else "", cite(event.citations)]


def _timeline_table(result: Timeline) -> list[RenderableType]:
    subject = f" of {_names(result.subjects)}" if result.subjects else ""
    if not result.events:
        return [_plain(f"No events{subject} in the data for that selection.")]
    table = _table(f"Timeline{subject}", ["Date", "Type", "Event", "Participants", "Place", "Sources"])
    for event in result.events:
        _row(table, *_event_cells(event))
    return [table]


def _card(result: Card) -> list[RenderableType]:
    from rich.text import Text

    entity = result.entity
    parts: list[RenderableType] = [Text(f"{entity.name} ({entity.type})", style="bold"), Text(entity.iri, style="dim")]
    if result.aliases:
        parts.append(Text("Also called: " + "; ".join(result.aliases)))
    if result.comment:
        parts.append(Text(result.comment, style="italic"))
    for title, edges in (("Relations", result.relations), ("Positions", result.positions), ("Memberships", result.memberships)):
        if edges:
            table = _table(title, ["Statement"])
            for edge in edges:
                _row(table, edge.statement())
            parts.append(table)
    if result.events:
        table = _table("Events", ["Date", "Type", "Event", "Participants", "Place", "Sources"])
        for event in result.events:
            _row(table, *_event_cells(event))
        parts.append(table)
    if result.counterparts:
        parts.append(Text("Met: " + _names(result.counterparts)))
    sources = _table("Sources", ["Source", "Evidence"])
    for citation in result.citations:
        _row(sources, citation.source.short, f"“{citation.quote}”")
    parts.append(sources)
    return parts


def _search_table(result: SearchResult) -> list[RenderableType]:
    if not result.hits:
        return [_plain(f"Nothing in the data looks like {result.text!r}.")]
    table = _table(f"Search: {result.text}", ["Score", "Name", "Type", "Matched name"])
    for hit in result.hits:
        _row(table, f"{hit.score:.1f}", hit.entity.name, hit.entity.type, hit.matched)
    return [table]


def _members_table(result: Members) -> list[RenderableType]:
    when = f" on {result.as_of}" if result.as_of else ""
    title = f"Members of {_names(result.organisations)}{when}"
    columns = ["Organisation", "Member", "Status", "Period", "Sources"]
    if result.as_of:
        columns.insert(4, "Certainty")
    table = _table(title, columns)
    for row in result.rows:
        cells = [row.organisation.name, row.member.name, row.status, str(row.period), cite(row.citations)]
        if result.as_of:
            cells.insert(4, row.certainty)
        _row(table, *cells)
    parts: list[RenderableType] = [table if result.rows else _plain(f"No members of {_names(result.organisations)}{when} in the data.")]
    if result.not_known:
        listed = ", ".join(f"{row.member.name} ({row.status}, {row.period})" for row in result.not_known)
        parts.append(_plain(f"Not known{when}: the sources attest these only later: {listed}"))
    return parts


def _stats_tables(result: Stats) -> list[RenderableType]:
    counts = _table(f"sco-graph data: {result.triples} triples, {result.sources} sources, {result.relations} relations", ["Kind", "Type", "Count"])
    for kind, table in (("entity", result.entities), ("event", result.events), ("fact", result.facts)):
        for name, number in table.items():
            _row(counts, kind, name, str(number))
    ranked = _table("Most connected", ["Entity", "Type", "Degree", "Betweenness"])
    for rank in result.top:
        _row(ranked, rank.entity.name, rank.entity.type, str(rank.degree), f"{rank.betweenness:.4f}")
    return [counts, ranked, _plain(f"Dates covered: {result.earliest or '?'} to {result.latest or '?'}")]


def _report_text(result: Report) -> list[RenderableType]:
    from rich.text import Text

    what = "syntax" if result.syntax_only else "data"
    if result.conforms:
        return [Text(f"OK: {len(result.files)} file(s), {result.triples} triples; the {what} conforms.")]
    lines: list[RenderableType] = [Text(str(problem)) for problem in result.problems]
    lines.append(Text(f"{len(result.problems)} problem(s) in {len(result.files)} file(s).", style="bold"))
    return lines


TABLES: dict[type, Callable[[Any], list[RenderableType]]] = {
    WhoMet: _who_met_table,
    Neighbours: _neighbours_tree,
    Paths: _paths_text,
    Timeline: _timeline_table,
    Card: _card,
    SearchResult: _search_table,
    Members: _members_table,
    Stats: _stats_tables,
    Report: _report_text,
}


# ------------------------------------------------------------------ CSV
def _sources(citations: Iterable[Any]) -> str:
    return " | ".join(f"{c.source.short}: {c.quote}" for c in citations)


def _who_met_rows(result: WhoMet) -> Iterable[dict[str, str]]:
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
            "sources": _sources(event.citations),
        }


def _flatten(rows: tuple[Neighbour, ...], parent: str, level: int) -> Iterable[dict[str, str]]:
    for row in rows:
        yield {
            "level": str(level),
            "from": parent,
            "relation": row.relation,
            "entity": row.other.name,
            "entity_iri": row.other.iri,
            "type": row.other.type,
            "date": row.edge.date_text(),
            "via": row.via.name if row.via else "",
            "sources": _sources(row.edge.citations),
        }
        yield from _flatten(row.children, row.other.name, level + 1)


def _path_rows(result: Paths) -> Iterable[dict[str, str]]:
    for number, path in enumerate(result.paths, 1):
        for step, hop in enumerate(path, 1):
            yield {
                "path": str(number),
                "step": str(step),
                "from": hop.start.name,
                "relation": hop.edge.relation,
                "to": hop.end.name,
                "date": hop.edge.date_text(),
                "statement": hop.edge.statement(),
                "sources": _sources(hop.edge.citations),
            }


def _event_row(event: EventRow) -> dict[str, str]:
    return {
        "date": str(event.when),
        "type": event.type,
        "event": event.label,
        "event_iri": event.iri,
        "participants": "; ".join(entity.name for entity in event.participants),
        "place": event.place.name if event.place else "",
        "via": event.via.name if event.via else "",
        "cameo": event.cameo or "",
        "sources": _sources(event.citations),
    }


def _card_rows(result: Card) -> Iterable[dict[str, str]]:
    for section, edges in (("relation", result.relations), ("position", result.positions), ("membership", result.memberships)):
        for edge in edges:
            yield {"section": section, "statement": edge.statement(), "date": edge.date_text(), "sources": _sources(edge.citations)}
    for event in result.events:
        yield {"section": "event", "statement": event.label, "date": str(event.when), "sources": _sources(event.citations)}


def _member_rows(result: Members) -> Iterable[dict[str, str]]:
    for row in (*result.rows, *result.not_known):
        yield {
            "organisation": row.organisation.name,
            "member": row.member.name,
            "member_iri": row.member.iri,
            "status": row.status,
            "start": str(row.period.start or ""),
            "end": str(row.period.end or ""),
            "attested": " ".join(str(day) for day in row.period.attested),
            "certainty": row.certainty or "",
            "sources": _sources(row.citations),
        }


def _stats_rows(result: Stats) -> Iterable[dict[str, str]]:
    for kind, table in (("entity", result.entities), ("event", result.events), ("fact", result.facts)):
        for name, number in table.items():
            yield {"kind": kind, "name": name, "value": str(number)}
    for rank in result.top:
        yield {"kind": "degree", "name": rank.entity.name, "value": str(rank.degree)}


CSV_ROWS: dict[type, Callable[[Any], Iterable[dict[str, str]]]] = {
    WhoMet: _who_met_rows,
    Neighbours: lambda result: _flatten(result.neighbours, result.subject.name, 1),
    Paths: _path_rows,
    Timeline: lambda result: (_event_row(event) for event in result.events),
    Card: _card_rows,
    SearchResult: lambda result: (
        {"score": f"{hit.score:.1f}", "name": hit.entity.name, "iri": hit.entity.iri, "type": hit.entity.type, "matched": hit.matched}
        for hit in result.hits
    ),
    Members: _member_rows,
    Stats: _stats_rows,
    Report: lambda result: ({"location": p.location, "message": p.message} for p in result.problems),
}
