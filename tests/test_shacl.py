"""The SHACL checks find what pySHACL finds: the same focus nodes, paths and messages, on broken data.

pySHACL, a complete SHACL engine, is the oracle. Each case is checked by both on
the same data and the same shapes; results are compared as (focus, path, message),
where a message the shapes do not give (an engine's own wording) counts only as
"some message". An ``sh:node`` detail is compared when it is about the same node.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib

from sco_graph.load import bundled_data_dir, bundled_files, shapes_file
from sco_graph.model import TURTLE_PREFIXES
from sco_graph.shacl import Result, UnsupportedShapesError, check, read_shapes
from sco_graph.validate import validate

SH = rdflib.Namespace("http://www.w3.org/ns/shacl#")
QUOTE = 'sco:evidence [ sco:source src:a ; sco:quote "a quote" ]'

# Data breaking every constraint of data/shapes.ttl, several ways each, beside nodes that conform.
BROKEN = f"""
src:a a sco:Article ; schema:headline "A headline" ; schema:datePublished "2020-01-01"^^xsd:date .
src:nohead a sco:Article .
src:twohead a sco:Article ; schema:headline "one", "two" .
src:badpub a sco:Article ; schema:headline "h" ; schema:datePublished "2020"^^xsd:gYear .
src:twopub a sco:Article ; schema:headline "h" ; schema:datePublished "2020-01-01"^^xsd:date, "2020-01-02"^^xsd:date .
src:twoseed a sco:Article ; schema:headline "h" ; sco:seedFile "a", "b" .
src:lh1 a sco:ListedHeadline ; schema:headline "h" .
src:lh2 a sco:ListedHeadline ; schema:headline "h" ; sco:listedOn e:notarticle .
src:lh3 a sco:ListedHeadline ; schema:headline "h" ; sco:listedOn src:a, src:twoseed .
e:nolabel a sco:Person ; {QUOTE} .
e:twolabels a sco:Country ; rdfs:label "A", "B" ; {QUOTE} .
e:noev a sco:Organ ; rdfs:label "Organ" .
e:litev a sco:Entity ; rdfs:label "Lit" ; sco:evidence "just text" .
e:deep a sco:Memorandum ; rdfs:label "Deep" .
e:mine a <http://example.org/MyThing> ; rdfs:label "Mine" .
<http://example.org/MyThing> rdfs:subClassOf sco:Person .
e:ev1 a sco:Person ; rdfs:label "Ev1" ; sco:evidence [ sco:quote "a quote" ] .
e:ev2 a sco:Person ; rdfs:label "Ev2" ; sco:evidence [ sco:source src:a, src:twohead ; sco:quote "a quote" ] .
e:ev3 a sco:Person ; rdfs:label "Ev3" ; sco:evidence [ sco:source e:ev1 ; sco:quote "a quote" ] .
e:ev4 a sco:Person ; rdfs:label "Ev4" ; sco:evidence [ sco:source src:a ] .
e:ev5 a sco:Person ; rdfs:label "Ev5" ; sco:evidence [ sco:source src:a ; sco:quote "one quote", "two quote" ] .
e:ev6 a sco:Person ; rdfs:label "Ev6" ; sco:evidence [ sco:source src:a ; sco:quote "ab" ] .
e:ev7 a sco:Person ; rdfs:label "Ev7" ; sco:evidence [ sco:source src:a ; sco:quote "a quote"@en ] .
e:ev8 a sco:Person ; rdfs:label "Ev8" ; sco:evidence [ sco:source src:a ; sco:quote 12345 ] .
e:ev9 a sco:Person ; rdfs:label "Ev9" ; sco:evidence <http://example.org/ev9> .
<http://example.org/ev9> sco:source src:a ; sco:quote "{"x" * 401}" .
e:ev10 a sco:Person ; rdfs:label "Ev10" ; sco:evidence [ sco:source src:lh1 ; sco:quote "a quote" ] .
ev:untyped rdfs:label "U" ; sco:date "2020"^^xsd:gYear ; {QUOTE} .
ev:person a sco:Person ; rdfs:label "P" ; sco:participant e:x ; {QUOTE} .
ev:na sco:notAfter "2020-01-01"^^xsd:date . ev:sp sco:speaker e:x . ev:sg sco:signatory e:x . ev:cm sco:cameo "040" .
ev:nolabel a sco:Meeting ; sco:date "2020"^^xsd:gYear ; {QUOTE} .
ev:twolabel a sco:Summit ; rdfs:label "A", "B" ; sco:date "2020"^^xsd:gYear ; {QUOTE} .
ev:nodate a sco:Proposal ; rdfs:label "ND" ; {QUOTE} .
ev:noev a sco:Meeting ; rdfs:label "NE" ; sco:date "2020"^^xsd:gYear .
ev:notafter a sco:Event ; rdfs:label "NA" ; sco:notAfter "2020-01-01"^^xsd:date ; {QUOTE} .
ev:twodate a sco:Event ; rdfs:label "TD" ; sco:date "2020"^^xsd:gYear, "2019"^^xsd:gYear ; {QUOTE} .
ev:strdate a sco:Event ; rdfs:label "SD" ; sco:date "2020" ; {QUOTE} .
ev:iridate a sco:Event ; rdfs:label "ID" ; sco:date e:x ; {QUOTE} .
ev:bnodedate a sco:Event ; rdfs:label "BD" ; sco:date [ rdfs:label "when" ] ; {QUOTE} .
ev:intdate a sco:Event ; rdfs:label "IntD" ; sco:date 2020 ; {QUOTE} .
ev:dtdate a sco:Event ; rdfs:label "DT" ; sco:date "2020-01-01T00:00:00"^^xsd:dateTime ; {QUOTE} .
ev:badend a sco:Event ; rdfs:label "BE" ; sco:date "2020"^^xsd:gYear ; sco:endDate "x" ; {QUOTE} .
ev:twoend a sco:Event ; rdfs:label "TE" ; sco:date "2018"^^xsd:gYear ;
    sco:endDate "2019"^^xsd:gYear, "2019-05"^^xsd:gYearMonth ; {QUOTE} .
ev:badna a sco:Event ; rdfs:label "BNA" ; sco:notAfter "2019"^^xsd:gYear ; {QUOTE} .
ev:twona a sco:Event ; rdfs:label "TNA" ; sco:notAfter "2019-01-01"^^xsd:date, "2019-01-02"^^xsd:date ; {QUOTE} .
ev:cameo1 a sco:Event ; rdfs:label "C1" ; sco:date "2020"^^xsd:gYear ; sco:cameo "1" ; {QUOTE} .
ev:cameo2 a sco:Event ; rdfs:label "C2" ; sco:date "2020"^^xsd:gYear ; sco:cameo "040", "041" ; {QUOTE} .
ev:cameo3 a sco:Event ; rdfs:label "C3" ; sco:date "2020"^^xsd:gYear ; sco:cameo 40 ; {QUOTE} .
ev:cameo4 a sco:Event ; rdfs:label "C4" ; sco:date "2020"^^xsd:gYear ; sco:cameo e:x ; {QUOTE} .
ev:cameo5 a sco:Event ; rdfs:label "C5" ; sco:date "2020"^^xsd:gYear ; sco:cameo "12345" ; {QUOTE} .
ev:cameo6 a sco:Event ; rdfs:label "C6" ; sco:date "2020"^^xsd:gYear ; sco:cameo "0401"@en ; {QUOTE} .
ev:ok a sco:Event ; rdfs:label "OK" ; sco:date "2019-05"^^xsd:gYearMonth ; sco:cameo "0401" ; {QUOTE} .
ev:bnodeev a sco:Event ; rdfs:label "BN" ; sco:date "2020"^^xsd:gYear ; sco:evidence [ sco:source src:a ] .
f:twostart a sco:Fact ; sco:start "2010"^^xsd:gYear, "2011"^^xsd:gYear ; {QUOTE} .
f:badstart a sco:Fact ; sco:start "2010" ; sco:end "x"^^xsd:string ; {QUOTE} .
f:twoend a sco:Fact ; sco:end "2010"^^xsd:gYear, "2011"^^xsd:gYear ; {QUOTE} .
f:att a sco:Fact ; sco:attested "2010"^^xsd:gYear, "2010-01-01"^^xsd:date, "x" ; {QUOTE} .
f:noev a sco:Fact .
f:p1 a sco:Position ; {QUOTE} .
f:p2 a sco:Position ; sco:holder e:a, e:b ; sco:organisation "org" ; sco:role "r", "s" ; {QUOTE} .
f:p3 a sco:Position ; sco:holder [ rdfs:label "anon" ] ; sco:organisation e:o, e:p ; sco:role "r" ; {QUOTE} .
f:o1 a sco:Office .
f:o2 a sco:Office ; sco:officeOf e:a, e:b ; sco:role "a", "b" ; sco:singleHolder "yes"^^xsd:boolean, true .
f:o3 a sco:Office ; sco:officeOf "lit" ; sco:role "a" ; sco:singleHolder 1 .
f:o4 a sco:Office ; sco:officeOf e:o ; sco:role "a" ; sco:singleHolder "maybe"^^xsd:boolean .
f:m1 a sco:Membership ; {QUOTE} .
f:m2 a sco:Membership ; sco:member e:a, e:b ; sco:organisation e:o ; sco:status sco:founder ; {QUOTE} .
f:m3 a sco:Membership ; sco:member "x" ; sco:organisation [ ] ; sco:status sco:member, sco:observer ; {QUOTE} .
f:m4 a sco:Membership ; sco:member e:a ; sco:organisation e:o ; sco:status "member" ; {QUOTE} .
f:pa1 a sco:Partnership ; sco:party e:a ; {QUOTE} .
f:pa2 a sco:Partnership ; sco:party e:a, "b" ; {QUOTE} .
f:pa3 a sco:Partnership ; {QUOTE} .
e:both a sco:Person, sco:Event ; rdfs:label "Both" ; sco:date "2020"^^xsd:gYear ; {QUOTE} .
"""

# Shapes using the rest of what sco_graph.shacl checks, for data of their own.
OTHER_SHAPES = """@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <http://example.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
ex:Named a sh:NodeShape ; sh:targetNode ex:n1, ex:n2 ;
    sh:property [ sh:path ex:code ; sh:pattern "^ab+c$" ; sh:flags "i" ] ;
    sh:property [ sh:path [ sh:inversePath ex:owns ] ; sh:minCount 1 ; sh:class ex:Owner ] .
ex:Thing a sh:NodeShape, rdfs:Class ;
    sh:property [ sh:path ex:colour ; sh:in ( "red" ex:green 3 ) ; sh:hasValue "red" ] ;
    sh:not [ sh:path ex:banned ; sh:minCount 1 ] ;
    sh:and ( [ sh:path ex:size ; sh:datatype xsd:integer ] [ sh:path ex:size ; sh:maxCount 1 ] ) ;
    sh:property [ sh:path ex:tag ; sh:nodeKind sh:IRIOrLiteral ; sh:minLength 2 ; sh:maxLength 4 ] .
ex:Skipped a sh:NodeShape ; sh:targetClass ex:Thing ; sh:deactivated true ; sh:maxCount 0 .
"""
OTHER_DATA = """@prefix ex: <http://example.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
ex:n1 ex:code "ABBC" . ex:o a ex:Owner ; ex:owns ex:n1 .
ex:n2 ex:code "xbc", _:b . ex:p ex:owns ex:n2 .
ex:t1 a ex:Thing ; ex:colour "red", ex:green ; ex:size 3 ; ex:tag "ok", "abcd" .
ex:t2 a ex:Thing ; ex:colour "blue" ; ex:banned true ; ex:size "3", 4 ; ex:tag _:c, "x", "12345" .
ex:t3 a ex:Thing ; ex:colour 3 ; ex:size "x"^^xsd:integer .
"""


def shape_messages(shapes: Path) -> set[str]:
    graph = rdflib.Graph().parse(shapes, format="turtle")
    return {str(message) for message in graph.objects(None, SH.message)}


def ours(texts: list[str], shapes: Path) -> set[tuple[str, str | None, str]]:
    store = ox.Store()
    for text in texts:
        store.load(input=text, format=ox.RdfFormat.TURTLE)
    known = shape_messages(shapes)
    found: set[tuple[str, str | None, str]] = set()

    def add(result: Result) -> None:
        if isinstance(result.focus, ox.Literal):
            return
        focus = result.focus.value if isinstance(result.focus, ox.NamedNode) else "(blank)"
        found.add((focus, result.path, result.message if result.message in known else "(engine's own)"))
        for detail in result.details:
            if detail.focus == result.focus:
                add(detail)

    for result in check(store, read_shapes(shapes)):
        add(result)
    return found


def pyshacls(texts: list[str], shapes: Path) -> set[tuple[str, str | None, str]]:
    from pyshacl import validate as shacl_validate

    data = rdflib.Graph()
    for text in texts:
        data.parse(data=text, format="turtle")

    shapes_graph = rdflib.Graph().parse(shapes, format="turtle")
    _, report, _ = shacl_validate(data, shacl_graph=shapes_graph, inference="none", allow_warnings=True)
    known = shape_messages(shapes)
    found: set[tuple[str, str | None, str]] = set()

    def add(result: rdflib.term.Node) -> None:
        focus = report.value(result, SH.focusNode)
        if isinstance(focus, rdflib.Literal):
            return
        path = report.value(result, SH.resultPath)
        if isinstance(path, rdflib.BNode):
            path = "^" + str(report.value(path, SH.inversePath))
        message = str(report.value(result, SH.resultMessage))
        name = str(focus) if isinstance(focus, rdflib.URIRef) else "(blank)"
        found.add((name, str(path) if path is not None else None, message if message in known else "(engine's own)"))
        for detail in report.objects(result, SH.detail):
            if report.value(detail, SH.focusNode) == focus:
                add(detail)

    for result in report.objects(None, SH.result):
        add(result)
    return found


def graph_of(*texts: str, ontology: bool = True) -> list[str]:
    """The Turtle texts of a data graph, with the ontology (as validation reads them)."""
    ontology_text = (bundled_data_dir() / "ontology.ttl").read_text(encoding="utf-8")
    return [*texts, ontology_text] if ontology else list(texts)


def test_broken_data_gives_the_same_results_as_pyshacl() -> None:
    data = graph_of(TURTLE_PREFIXES + BROKEN)
    expected = pyshacls(data, shapes_file())
    assert len(expected) > 80
    assert ours(data, shapes_file()) == expected


def test_the_broken_data_breaks_every_constraint_that_has_a_message() -> None:
    data = graph_of(TURTLE_PREFIXES + BROKEN)
    assert {message for _, _, message in ours(data, shapes_file())} >= shape_messages(shapes_file())


def test_the_bundled_data_conforms_for_both_engines() -> None:
    data = graph_of(*(file.read_text(encoding="utf-8") for file in bundled_files()))
    assert ours(data, shapes_file()) == pyshacls(data, shapes_file()) == set()


def test_the_other_core_constraints_give_the_same_results_as_pyshacl(tmp_path: Path) -> None:
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text(OTHER_SHAPES, encoding="utf-8")
    data = graph_of(OTHER_DATA, ontology=False)
    expected = pyshacls(data, shapes)
    assert {focus.rsplit("/", 1)[-1] for focus, _, _ in expected} == {"n2", "t2", "t3"}
    assert ours(data, shapes) == expected


@pytest.mark.parametrize(
    "extra",
    [
        "ex:S a sh:NodeShape ; sh:targetNode ex:a ; sh:closed true .",
        "ex:S a sh:NodeShape ; sh:targetNode ex:a ; sh:property [ sh:path ( ex:p ex:q ) ; sh:minCount 1 ] .",
        "ex:S a sh:NodeShape ; sh:targetNode ex:a ; sh:sparql [ sh:select 'SELECT $this WHERE {}' ] .",
        "ex:S a sh:NodeShape ; sh:targetNode ex:a ; sh:property [ sh:path ex:p ; sh:minCount 'many' ] .",
        "ex:S a sh:NodeShape ; sh:targetNode ex:a ; sh:property [ sh:path ex:p ; sh:pattern '(' ] .",
        "ex:S a sh:NodeShape ; sh:targetNode ex:a ; sh:in [ ] .",
    ],
)
def test_shapes_using_what_is_not_checked_are_refused(tmp_path: Path, extra: str) -> None:
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text("@prefix sh: <http://www.w3.org/ns/shacl#> .\n@prefix ex: <http://example.org/> .\n" + extra)
    with pytest.raises(UnsupportedShapesError):
        read_shapes(shapes)


def test_validate_reports_a_nested_reason_at_the_node_and_names_blank_nodes_by_their_owner(tmp_path: Path) -> None:
    path = tmp_path / "mine.ttl"
    path.write_text(TURTLE_PREFIXES + BROKEN, encoding="utf-8")
    found = {str(problem) for problem in validate([path]).problems}
    assert "e:deep: does not conform to shapes:Sourced" in found
    assert any(text.startswith("e:deep: has no evidence") for text in found)
    assert any(text.startswith("e:ev4 (evidence): evidence needs one verbatim quote") for text in found)
    assert not any(text.startswith("e:x:") for text in found)  # a date's detail is its event's problem


def test_a_pattern_ending_in_a_dollar_sign_does_not_match_before_a_final_line_break() -> None:
    """XPath's ``$`` (sh:pattern's) ends the text; Python's, and so pySHACL's, also matches before a final newline."""
    data = (
        TURTLE_PREFIXES
        + f'ev:c a sco:Event ; rdfs:label "C" ; sco:date "2020"^^xsd:gYear ; sco:cameo "040\\n" ; {QUOTE} .'
    )
    src = 'src:a a sco:Article ; schema:headline "A headline" .'
    found = ours(graph_of(data + src), shapes_file())
    assert (
        "https://w3id.org/sco-graph/event/c",
        "https://w3id.org/sco-graph/def#cameo",
        "a CAMEO code is two to four digits",
    ) in found
