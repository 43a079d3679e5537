"""The questions sco-graph answers, as functions from a :class:`Graph` to result objects.

Every function takes plain arguments (names as typed, dates as
:class:`PartialDate`) and returns a typed result from :mod:`sco_graph.results`.
None of them prints; the CLI renders what they return.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable
from itertools import pairwise
from typing import NamedTuple

from sco_graph.dates import PartialDate
from sco_graph.errors import DataError, NoResultError, UsageError
from sco_graph.graph import Graph, period_of, values_clause
from sco_graph.model import ENTITY_TYPES, EVENT_TYPES, FACT_TYPES, STATUSES
from sco_graph.relations import (
    ENTITY_RELATIONS,
    edge_holds_on,
    edges_from,
    event_rows,
    relation_from,
    status_on,
)
from sco_graph.results import (
    Card,
    Edge,
    EntityRef,
    EventRow,
    Hop,
    MeetingRow,
    MemberRow,
    Members,
    Neighbour,
    Neighbours,
    Paths,
    Period,
    Ranked,
    SearchHit,
    SearchResult,
    Stats,
    Timeline,
    WhoMet,
)
from sco_graph.terms import IRI, Row

EVENT_TYPE_NAMES = tuple(sorted(set(EVENT_TYPES.values())))
ENTITY_TYPE_NAMES = tuple(sorted(set(ENTITY_TYPES.values())))
STATUS_NAMES = tuple(STATUSES.values())


def _event_order(event: EventRow) -> tuple[tuple[dt.date, int], str, str]:
    return (event.when.sort_key(), event.label, event.iri)


def _day(as_of: PartialDate | None) -> dt.date | None:
    """The last day a partial date covers: "as of 2018-05" means by the end of May 2018."""
    return as_of.latest() if as_of else None


def names_from_words(graph: Graph, words: list[str]) -> list[str]:
    """Read command-line words as one name (``Zhang Ming``) or, failing that, as several (``CSTO CIS``)."""
    joined = " ".join(words)
    directory = graph.directory
    if len(words) > 1 and not directory.is_exact_name(joined) and all(directory.is_exact_name(w) for w in words):
        return list(words)
    return [joined] if words else []


# ------------------------------------------------------------------ who-met
MEETINGS_QUERY = """SELECT DISTINCT ?event WHERE {
  ?event a sco:Meeting . { ?event sco:participant ?who } UNION { ?event sco:chair ?who } }"""


def who_met(graph: Graph, name: str, as_of: PartialDate | None = None) -> WhoMet:
    """Everyone the named entity met, one row per counterpart and meeting, in date order."""
    subject = graph.resolve(name)
    rows = graph.store.select(MEETINGS_QUERY, {"who": IRI(subject.iri)})
    day = _day(as_of)
    meetings = []
    for event in event_rows(graph, (row["event"].value for row in rows)):
        if day is not None and not event.when.happened_by(day):
            continue
        for counterpart in event.participants:
            if counterpart.iri != subject.iri:
                meetings.append(MeetingRow(counterpart, event))
    meetings.sort(key=lambda row: (_event_order(row.event), row.counterpart.name))
    return WhoMet(subject, as_of, tuple(meetings))


# ------------------------------------------------------------------ neighbours
_NODE_CLASSES = [*EVENT_TYPES, *FACT_TYPES]


def _edges_touching(graph: Graph, iris: list[str], events: dict[str, EventRow] | None = None) -> list[Edge]:
    """Every relation with one of ``iris`` at either end (and, in ``events``, every event involving them)."""
    wanted = values_clause("x", iris)
    nodes = graph.store.select(
        f"SELECT DISTINCT ?n WHERE {{ {wanted} {values_clause('t', _NODE_CLASSES)} ?n ?p ?x . ?n a ?t }}"
    )
    entity_predicates = values_clause("p", ENTITY_RELATIONS)
    pointing = graph.store.select(f"SELECT DISTINCT ?n WHERE {{ {wanted} {entity_predicates} ?n ?p ?x }}")
    described = {row["n"].value for row in nodes} | {row["n"].value for row in pointing} | set(iris)
    touching = set(iris)
    return [
        edge
        for edge in edges_from(graph, graph.describe(described), events)
        if edge.source.iri in touching or edge.target.iri in touching
    ]


def _edge_order(edge: Edge) -> tuple[int, tuple[dt.date, int], str, str]:
    kind = 0 if edge.when is not None else 1 if edge.period is not None else 2
    when = edge.when.sort_key() if edge.when is not None else (dt.date.min, 0)
    return (kind, when, edge.relation, edge.node or "")


def _neighbours_of(
    graph: Graph, iri: str, *, with_organs: bool, day: dt.date | None, entity_type: str | None, relation: str | None
) -> list[Neighbour]:
    organs = graph.organs(iri) if with_organs else []
    rows = []
    for edge in _edges_touching(graph, [iri, *organs]):
        if day is not None and not edge_holds_on(edge, day):
            continue
        for me, other in ((edge.source, edge.target), (edge.target, edge.source)):
            inside = other.iri == iri or (me.iri != iri and other.iri in organs)  # the body's own structure
            if me.iri in (iri, *organs) and not inside:
                phrase = relation_from(edge, me.iri)
                via = me if me.iri != iri else None
                if (entity_type and other.type != entity_type) or (relation and phrase != relation):
                    continue
                rows.append(Neighbour(phrase, other, edge, via))
    rows.sort(key=lambda row: (row.relation, row.via is not None, row.other.name, _edge_order(row.edge)))
    return rows


def neighbours(
    graph: Graph,
    name: str,
    *,
    depth: int = 1,
    entity_type: str | None = None,
    relation: str | None = None,
    as_of: PartialDate | None = None,
) -> Neighbours:
    """Entities related to the named one, grouped by relation; ``depth`` > 1 gives a tree.

    An organisation's neighbours include its organs' relations, marked with ``via``.
    """
    if not 1 <= depth <= 4:
        raise UsageError(f"--depth must be between 1 and 4 ({depth} given)")
    if entity_type is not None and entity_type not in ENTITY_TYPE_NAMES:
        raise UsageError(f"--type must be one of {', '.join(ENTITY_TYPE_NAMES)} ({entity_type!r} given)")
    subject = graph.resolve(name)
    day = _day(as_of)
    seen = {subject.iri}

    def expand(iri: str, level: int, with_organs: bool) -> tuple[Neighbour, ...]:
        only_type = entity_type if level == depth else None
        found = _neighbours_of(graph, iri, with_organs=with_organs, day=day, entity_type=only_type, relation=relation)
        result = []
        fresh = [row for row in found if row.other.iri not in seen]
        seen.update(row.other.iri for row in fresh)
        for row in found:
            children: tuple[Neighbour, ...] = ()
            if level < depth and row in fresh:
                children = expand(row.other.iri, level + 1, False)
            result.append(Neighbour(row.relation, row.other, row.edge, row.via, children))
        return tuple(result)

    organisation = subject.type in ("organisation", "organ", "country")
    return Neighbours(subject, depth, as_of, expand(subject.iri, 1, organisation))


# ------------------------------------------------------------------ path
# No type pattern: with one, the engine plans a scan of every event (seconds on a million triples).
PAIR_NODES = """SELECT DISTINCT ?n WHERE {{ {pairs} ?n ?p ?a . ?n ?q ?b }}"""


def _edges_between(graph: Graph, pairs: set[tuple[str, str]], day: dt.date | None) -> dict[frozenset[str], list[Edge]]:
    """The relations between each pair of entities, best first (dated events, then facts)."""
    if not pairs:
        return {}
    values = "VALUES (?a ?b) { " + " ".join(f"({IRI(a).n3()} {IRI(b).n3()})" for a, b in sorted(pairs)) + " }"
    rows = graph.store.select(PAIR_NODES.format(pairs=values))
    described = {row["n"].value for row in rows} | {iri for pair in pairs for iri in pair}
    wanted = {frozenset(pair) for pair in pairs}
    between: dict[frozenset[str], list[Edge]] = defaultdict(list)
    for edge in edges_from(graph, graph.describe(described)):
        key = frozenset((edge.source.iri, edge.target.iri))
        if key in wanted and (day is None or edge_holds_on(edge, day)):
            between[key].append(edge)
    for options in between.values():
        options.sort(key=_edge_order)
    return between


def path(
    graph: Graph,
    start: str,
    end: str,
    *,
    max_hops: int = 6,
    every: bool = False,
    as_of: PartialDate | None = None,
    limit: int = 50,
) -> Paths:
    """How two entities are connected, hop by hop, shortest first.

    Without ``every`` the shortest paths are returned; with it, every simple path
    of at most ``max_hops`` hops. At most ``limit`` paths are listed.
    """
    if not 1 <= max_hops <= 10:
        raise UsageError(f"--max-hops must be between 1 and 10 ({max_hops} given)")
    origin, target = graph.resolve(start), graph.resolve(end)
    if origin.iri == target.iri:
        raise UsageError(f"{start!r} and {end!r} are the same entity ({origin.name})")
    from sco_graph.mirror import path_index
    from sco_graph.paths import shortest_paths, simple_paths

    index = path_index(graph)
    day = _day(as_of)
    ordinal = day.toordinal() if day else None
    a, b = index.id_of(origin.iri), index.id_of(target.iri)
    search = simple_paths if every else shortest_paths
    result = (
        search(index, a, b, day=ordinal, max_hops=max_hops, limit=limit + 1)
        if a is not None and b is not None
        else None
    )
    found = result.paths if result is not None else []
    complete = result is None or result.complete
    when = f" as of {as_of}" if as_of else ""
    if not found:
        raise NoResultError(_no_path(origin, target, max_hops, when, complete))
    node_paths = [[index.nodes[node] for node in nodes] for nodes in found[:limit]]
    between = _edges_between(graph, {(x, y) for nodes in node_paths for x, y in pairwise(nodes)}, day)

    def hops(nodes: list[str]) -> tuple[Hop, ...] | None:
        steps = []
        for x, y in pairwise(nodes):
            options = between.get(frozenset((x, y)))
            if not options:  # the index links them on some day, but no single relation holds on this one
                return None
            steps.append(Hop(graph.entity(x), graph.entity(y), options[0], len(options) - 1))
        return tuple(steps)

    explained = [steps for steps in map(hops, node_paths) if steps is not None]
    if not explained:
        raise NoResultError(_no_path(origin, target, max_hops, when, complete))
    explained.sort(key=lambda steps: (len(steps), [hop.end.name for hop in steps]))
    # A search that ran out of steps may have missed paths: the list is cut, like one past the limit.
    return Paths(origin, target, max_hops, as_of, tuple(explained), len(found) > limit or not complete, complete)


def _no_path(origin: EntityRef, target: EntityRef, max_hops: int, when: str, complete: bool) -> str:
    from sco_graph.escape import visible

    ends = f"{visible(origin.name)} and {visible(target.name)}{when}"
    if complete:
        return f"no path of at most {max_hops} hops links {ends}"
    from sco_graph.paths import STEP_BUDGET

    return f"no path linking {ends} was found in the first {STEP_BUDGET:,} steps of the search; lower --max-hops"


# ------------------------------------------------------------------ timeline
INVOLVED_QUERY = "SELECT DISTINCT ?event ?x WHERE {{ {values} {types} ?event ?p ?x . ?event a ?t }}"


def timeline(
    graph: Graph,
    names: Iterable[str] = (),
    *,
    start: PartialDate | None = None,
    stop: PartialDate | None = None,
    types: Iterable[str] = (),
    as_of: PartialDate | None = None,
) -> Timeline:
    """Events in date order: all of them, or those involving the named entities and their organs."""
    kinds = tuple(types)
    unknown = [kind for kind in kinds if kind not in EVENT_TYPE_NAMES]
    if unknown:
        raise UsageError(f"--type must be one of {', '.join(EVENT_TYPE_NAMES)} ({unknown[0]!r} given)")
    if start and stop and start.earliest() > stop.latest():
        raise UsageError(f"--from {start} is after --to {stop}")
    if as_of and (stop is None or as_of.latest() < stop.latest()):
        stop = as_of
    subjects = tuple(graph.resolve(name) for name in names)
    via = _events_involving(graph, subjects)
    first = start.earliest() if start else None
    last = stop.latest() if stop else None
    events = [
        _with_via(event, via[event.iri].via)
        for event in event_rows(graph, via)
        if (not kinds or event.type in kinds) and _within(event, first, last) and via[event.iri].covers(event)
    ]
    events.sort(key=_event_order)
    return Timeline(subjects, tuple(events), start, stop, kinds)


class _Route(NamedTuple):
    """How an event reached a timeline: directly, through an organ, or through an official in office."""

    via: EntityRef | None = None
    office: Period | None = None

    def covers(self, event: EventRow) -> bool:
        """An official's event counts only while the official is known to hold the post."""
        if self.office is None:
            return True
        day = event.when.earliest() or event.when.latest()
        return day is not None and status_on(self.office, day) in ("stated", "possible")


OFFICIALS_QUERY = """SELECT ?holder ?fact WHERE {{ {values} ?fact a sco:Position ;
    sco:holder ?holder ; sco:organisation ?body }}"""


def _within(event: EventRow, first: dt.date | None, last: dt.date | None) -> bool:
    """Whether an event may fall in [first, last]; an undated one only when its bound is inside."""
    if not event.when.overlaps(first, last):
        return False
    if last is not None and event.when.date is None:
        return event.when.happened_by(last)
    return True


def _events_involving(graph: Graph, subjects: tuple[EntityRef, ...]) -> dict[str, _Route]:
    """Events involving the subjects (every event when there are none) and how each was reached.

    An organisation's events include its organs' and those of the people
    holding a post in it or its organs at the time.
    """
    type_values = values_clause("t", EVENT_TYPES)
    if not subjects:
        rows = graph.store.select(f"SELECT DISTINCT ?event WHERE {{ {type_values} ?event a ?t }}")
        return {row["event"].value: _Route() for row in rows}
    routes: dict[str, list[_Route]] = {}
    for subject in subjects:
        routes[subject.iri] = [_Route()]
        bodies = [subject.iri, *graph.organs(subject.iri)]
        for organ in bodies[1:]:
            routes.setdefault(organ, []).append(_Route(graph.entity(organ)))
        if subject.type in ("organisation", "organ", "country"):
            _add_officials(graph, bodies, routes)
    found: dict[str, _Route] = {}
    query = INVOLVED_QUERY.format(values=values_clause("x", routes), types=type_values)
    for row in graph.store.select(query):
        for route in routes[row["x"].value]:
            current = found.get(row["event"].value)
            if current is None or (current.via is not None and route.via is None):
                found[row["event"].value] = route
    return found


def _add_officials(graph: Graph, bodies: list[str], routes: dict[str, list[_Route]]) -> None:
    rows = graph.store.select(OFFICIALS_QUERY.format(values=values_clause("body", bodies)))
    offices = graph.describe(row["fact"].value for row in rows)
    for row in rows:
        holder = row["holder"].value
        if holder not in bodies:
            routes.setdefault(holder, []).append(_Route(graph.entity(holder), period_of(offices[row["fact"].value])))


def _with_via(event: EventRow, organ: EntityRef | None) -> EventRow:
    if organ is None:
        return event
    return event._replace(via=organ)


# ------------------------------------------------------------------ show
def show(graph: Graph, name: str, as_of: PartialDate | None = None) -> Card:
    """An entity card: names, relations, positions, memberships, events, counterparts, sources.

    With ``as_of``, only what held or had happened by that date.
    """
    subject = graph.resolve(name)
    entry = graph.directory.get(subject.iri)
    description = graph.describe([subject.iri])[subject.iri]
    comment_values = description.get("http://www.w3.org/2000/01/rdf-schema#comment", [])
    day = _day(as_of)
    involved: dict[str, EventRow] = {}
    edges = [
        edge for edge in _edges_touching(graph, [subject.iri], involved) if day is None or edge_holds_on(edge, day)
    ]
    relations = [edge for edge in edges if edge.node is None]
    positions = [edge for edge in edges if edge.relation == "holds a position in"]
    member_relations = {"member of", "observer of", "partner of", "applicant to", "partner organisation of"}
    memberships = [edge for edge in edges if edge.relation in member_relations]
    events = sorted(
        (event for event in involved.values() if day is None or event.when.happened_by(day)), key=_event_order
    )
    counterparts: dict[str, EntityRef] = {}
    for edge in edges:
        if edge.relation == "met":
            other = edge.target if edge.source.iri == subject.iri else edge.source
            counterparts[other.iri] = other
    citations = set(graph.citations([subject.iri])[subject.iri])
    for edge in edges:
        citations.update(edge.citations)
    for event in events:
        citations.update(event.citations)
    return Card(
        entity=subject,
        aliases=entry.aliases if entry else (),
        comment=comment_values[0].value if comment_values else None,
        relations=tuple(sorted(relations, key=lambda e: (e.relation, e.source.name, e.target.name))),
        positions=tuple(sorted(positions, key=lambda e: (e.source.name, e.target.name, _edge_order(e)))),
        memberships=tuple(sorted(memberships, key=lambda e: (e.relation, e.source.name, e.target.name))),
        events=tuple(events),
        counterparts=tuple(sorted(counterparts.values(), key=lambda e: e.name)),
        citations=tuple(sorted(citations, key=lambda c: (c.source.iri, c.quote))),
    )


# ------------------------------------------------------------------ search
def search(graph: Graph, text: str, limit: int = 10) -> SearchResult:
    """Fuzzy search over every name and alias, best first, with scores from 0 to 100."""
    if not 1 <= limit <= 1000:
        raise UsageError(f"--limit must be between 1 and 1000 ({limit} given)")
    matches = graph.directory.search(text, limit=limit, cutoff=50.0)
    hits = tuple(SearchHit(EntityRef(m.entry.iri, m.entry.name, m.entry.type), m.matched, m.score) for m in matches)
    return SearchResult(text, hits)


# ------------------------------------------------------------------ members
MEMBERSHIPS_QUERY = "SELECT DISTINCT ?fact WHERE { ?fact a sco:Membership ; sco:organisation ?organisation }"
_STATUS_ORDER = {name: index for index, name in enumerate(STATUS_NAMES)}


def members(graph: Graph, names: Iterable[str], as_of: PartialDate | None = None, status: str | None = None) -> Members:
    """Who belonged to the organisations, with which status; on a day with ``as_of``.

    On a day, a status counts as "stated" when its period covers the day,
    "possible" when the day falls within the precision of a start or end date.
    Statuses first attested only after the day are listed apart as not known.
    """
    if status is not None and status not in STATUS_NAMES:
        raise UsageError(f"--status must be one of {', '.join(STATUS_NAMES)} ({status!r} given)")
    organisations = tuple(graph.resolve(name) for name in names)
    facts: set[str] = set()
    for organisation in organisations:
        rows = graph.store.select(MEMBERSHIPS_QUERY, {"organisation": IRI(organisation.iri)})
        facts.update(row["fact"].value for row in rows)
    edges = [edge for edge in edges_from(graph, graph.describe(facts)) if edge.period is not None]
    day = _day(as_of)
    rows_found: list[MemberRow] = []
    not_known: list[MemberRow] = []
    for edge in edges:
        relation_status = edge.relation.split(" ")[0]
        if status and relation_status != status:
            continue
        assert edge.period is not None and edge.node is not None
        certainty = status_on(edge.period, day) if day else ""
        if certainty is None:
            continue
        row = MemberRow(edge.source, edge.target, relation_status, edge.period, certainty, edge.node, edge.citations)
        (not_known if certainty == "unknown" else rows_found).append(row)

    def order(row: MemberRow) -> tuple[str, int, str]:
        return (row.organisation.name, _STATUS_ORDER.get(row.status, 99), row.member.name)

    return Members(
        organisations, as_of, status, tuple(sorted(rows_found, key=order)), tuple(sorted(not_known, key=order))
    )


# ------------------------------------------------------------------ stats
BETWEENNESS_EXACT_UP_TO = 2000
BETWEENNESS_SAMPLE = 500


def _count(rows: list[Row]) -> int:
    """The ``?n`` of an aggregate's single row; a store that answers something else is not trusted."""
    from sco_graph.escape import visible

    if not rows:
        return 0
    value = rows[0].get("n")
    if value is None:
        return 0
    try:
        return int(value.value)
    except ValueError:
        raise DataError(f"the store answered a count that is not an integer: {visible(value.value[:40])}") from None


def stats(graph: Graph, top: int = 10) -> Stats:
    """Counts by type, the most connected entities and the dates covered."""
    if not 0 <= top <= 1000:
        raise UsageError(f"--top must be between 0 and 1000 ({top} given)")
    import networkx as nx

    def count(classes: dict[str, str]) -> dict[str, int]:
        rows = graph.store.select(
            f"SELECT ?t (COUNT(DISTINCT ?s) AS ?n) WHERE {{ {values_clause('t', classes)} ?s a ?t }} GROUP BY ?t"
        )
        counts: Counter[str] = Counter()
        for row in rows:
            counts[classes[row["t"].value]] += _count([row])
        return dict(sorted(counts.items()))

    from sco_graph.mirror import path_index

    triples = _count(graph.store.select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"))
    sources = _count(graph.store.select("SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a sco:Article }"))
    network: nx.Graph[str] = nx.Graph()
    network.add_edges_from(path_index(graph).pairs())
    # Exact betweenness costs nodes x links; past a few thousand nodes a fixed sample estimates it.
    sample = BETWEENNESS_SAMPLE if network.number_of_nodes() > BETWEENNESS_EXACT_UP_TO else None
    betweenness = nx.betweenness_centrality(network, k=sample, seed=0) if network.number_of_nodes() else {}
    ranked = sorted(
        (
            Ranked(graph.entity(iri), int(degree), round(betweenness.get(iri, 0.0), 4))
            for iri, degree in network.degree()
        ),
        key=lambda rank: (-rank.degree, -rank.betweenness, rank.entity.name),
    )
    dates = graph.store.select(
        f"""SELECT ?d WHERE {{ {values_clause("t", EVENT_TYPES)} ?e a ?t .
        {{ ?e sco:date ?d }} UNION {{ ?e sco:endDate ?d }} UNION {{ ?e sco:notAfter ?d }} }}"""
    )
    parsed = []
    for row in dates:
        try:
            parsed.append(PartialDate.from_literal(row["d"].value, getattr(row["d"], "datatype", "")))
        except ValueError:
            continue
    parsed.sort(key=PartialDate.sort_key)
    return Stats(
        triples=triples,
        entities=count(ENTITY_TYPES),
        events=count(EVENT_TYPES),
        facts=count(FACT_TYPES),
        sources=sources,
        relations=network.number_of_edges(),
        betweenness_sample=sample,
        top=tuple(ranked[:top]),
        earliest=str(parsed[0]) if parsed else None,
        latest=str(parsed[-1]) if parsed else None,
    )


# ------------------------------------------------------------------ pictures
def network_edges(
    graph: Graph,
    names: Iterable[str] = (),
    depth: int = 1,
    as_of: PartialDate | None = None,
    max_nodes: int | None = None,
) -> tuple[tuple[EntityRef, ...], list[Edge]]:
    """The relations around the named entities up to ``depth`` hops (every relation with no names).

    Refuses, before collecting a single relation, when the neighbourhood holds
    more than ``max_nodes`` entities: the path index counts them cheaply.
    """
    if not 1 <= depth <= 4:
        raise UsageError(f"--depth must be between 1 and 4 ({depth} given)")
    day = _day(as_of)
    subjects = tuple(graph.resolve(name) for name in names)
    _check_picture_size(graph, subjects, depth, day, max_nodes)
    if not subjects:
        from sco_graph.relations import all_edges

        return (), [edge for edge in all_edges(graph) if day is None or edge_holds_on(edge, day)]
    seen = {subject.iri for subject in subjects}
    frontier = sorted(seen)
    found: dict[tuple[str, str, str, str], Edge] = {}
    for _ in range(depth):
        following: set[str] = set()
        for edge in _edges_touching(graph, frontier):
            if day is not None and not edge_holds_on(edge, day):
                continue
            found[(edge.source.iri, edge.target.iri, edge.relation, edge.node or "")] = edge
            following.update(iri for iri in (edge.source.iri, edge.target.iri) if iri not in seen)
        seen |= following
        frontier = sorted(following)
        if not frontier:
            break
    return subjects, list(found.values())


def _check_picture_size(
    graph: Graph, subjects: tuple[EntityRef, ...], depth: int, day: dt.date | None, max_nodes: int | None
) -> None:
    """Refuse a picture whose neighbourhood is past the drawing limit, counting no further than the limit."""
    from sco_graph.draw import MAX_NODES
    from sco_graph.mirror import path_index
    from sco_graph.paths import linked_count, neighbourhood_size

    limit = MAX_NODES if max_nodes is None else max_nodes
    index = path_index(graph)
    ordinal = day.toordinal() if day else None
    if subjects:
        starts = [number for subject in subjects if (number := index.id_of(subject.iri)) is not None]
        size = neighbourhood_size(index, starts, day=ordinal, depth=depth, above=limit)
    else:
        size = linked_count(index, day=ordinal, above=limit)
    if size > limit:
        fewer = "lower --depth or name fewer entities" if subjects else "name an entity to draw around"
        raise UsageError(f"the picture would have more than {limit} nodes; {fewer}")
