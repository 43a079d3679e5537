"""Invariants that must hold for any input, checked with hypothesis."""

from __future__ import annotations

import datetime as dt
import random
from itertools import pairwise

import pyoxigraph as ox
import rdflib
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib.compare import isomorphic

from sco_graph.dates import PartialDate, When
from sco_graph.errors import ScoGraphError
from sco_graph.export import rdf_bytes
from sco_graph.graph import Graph
from sco_graph.model import EVENT, ID, SCO, SOURCE
from sco_graph.store import LocalStore

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
XSD = "http://www.w3.org/2001/XMLSchema#"


@settings(max_examples=300, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=400))
def test_name_resolution_never_raises_anything_but_a_domain_error(graph: Graph, text: str) -> None:
    outcome: object
    try:
        outcome = graph.resolve(text)
    except ScoGraphError as error:
        outcome = error
    if isinstance(outcome, ScoGraphError):
        assert outcome.message
    else:
        assert outcome.iri.startswith(ID)  # type: ignore[attr-defined]


dates = st.one_of(
    st.integers(1900, 2100).map(PartialDate),
    st.tuples(st.integers(1900, 2100), st.integers(1, 12)).map(lambda pair: PartialDate(*pair)),
    st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31)).map(
        lambda day: PartialDate(day.year, day.month, day.day)
    ),
)
whens = st.one_of(dates.map(When), dates.map(lambda bound: When(not_after=bound)))


@given(st.lists(whens, min_size=2, max_size=30), st.randoms())
def test_timeline_order_is_a_total_order_over_mixed_precisions(items: list[When], shuffle: random.Random) -> None:
    ordered = sorted(items, key=lambda when: (when.sort_key(), str(when)))
    shuffled = items[:]
    shuffle.shuffle(shuffled)
    assert sorted(shuffled, key=lambda when: (when.sort_key(), str(when))) == ordered
    for earlier, later in pairwise(ordered):
        if earlier.date and later.date:
            assert earlier.date.earliest() <= later.date.earliest()
            if earlier.date.earliest() == later.date.earliest():  # the coarser date comes first
                assert len(str(earlier.date)) <= len(str(later.date))


languages = st.sampled_from(["en", "ru-Cyrl"])
words = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=40)


@st.composite
def model_graphs(draw: st.DrawFn) -> list[ox.Triple]:
    """Small graphs in the project's model: people, meetings with dates at any precision, evidence."""
    source = ox.NamedNode(SOURCE + "s")
    triples = [ox.Triple(source, ox.NamedNode(RDF_TYPE), ox.NamedNode(SCO + "Article"))]
    people = [ox.NamedNode(f"{ID}p{number}") for number in range(draw(st.integers(2, 6)))]
    for person in people:
        triples += [ox.Triple(person, ox.NamedNode(RDF_TYPE), ox.NamedNode(SCO + "Person")),
                    ox.Triple(person, ox.NamedNode(LABEL), ox.Literal(draw(words)))]  # fmt: skip
    for number in range(draw(st.integers(0, 5))):
        meeting = ox.NamedNode(f"{EVENT}m{number}")
        date = draw(dates)
        evidence = ox.BlankNode()
        a, b = draw(st.permutations(people))[:2]
        triples += [
            ox.Triple(meeting, ox.NamedNode(RDF_TYPE), ox.NamedNode(SCO + "Meeting")),
            ox.Triple(meeting, ox.NamedNode(SCO + "date"), ox.Literal(str(date), datatype=ox.NamedNode(date.datatype))),
            ox.Triple(meeting, ox.NamedNode(SCO + "participant"), a),
            ox.Triple(meeting, ox.NamedNode(SCO + "participant"), b),
            ox.Triple(meeting, ox.NamedNode(SCO + "evidence"), evidence),
            ox.Triple(evidence, ox.NamedNode(SCO + "source"), source),
            ox.Triple(evidence, ox.NamedNode(SCO + "quote"), ox.Literal(draw(words), language=draw(languages))),
        ]  # fmt: skip
    return triples


def as_rdflib(triples: list[ox.Triple]) -> rdflib.Graph:
    graph = rdflib.Graph()
    graph.parse(data=ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES).decode("utf-8"), format="nt")
    return graph


@settings(max_examples=60, deadline=None)
@given(model_graphs(), st.sampled_from(["turtle", "ntriples", "jsonld"]))
def test_export_then_reimport_is_lossless(triples: list[ox.Triple], fmt: str) -> None:
    store = ox.Store()
    store.extend(ox.Quad(t.subject, t.predicate, t.object) for t in triples)
    exported = rdf_bytes(Graph(LocalStore(store, "generated")), fmt)
    rdf_format = {"turtle": ox.RdfFormat.TURTLE, "ntriples": ox.RdfFormat.N_TRIPLES, "jsonld": ox.RdfFormat.JSON_LD}[
        fmt
    ]
    back = [ox.Triple(q.subject, q.predicate, q.object) for q in ox.parse(exported, format=rdf_format)]
    assert isomorphic(as_rdflib(back), as_rdflib(triples))
