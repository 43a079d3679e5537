"""A peer's suite: the W3C RDF 1.1 Turtle and N-Triples syntax tests, driven by their manifests."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from sco_graph.validate import validate

SUITE = Path(__file__).resolve().parents[2] / "shared" / "w3c-rdf-tests"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
ACTION = "http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#action"
RDFT = "http://www.w3.org/ns/rdftest#"
POSITIVE = {"TestTurtlePositiveSyntax", "TestTurtleEval", "TestNTriplesPositiveSyntax"}
NEGATIVE = {"TestTurtleNegativeSyntax", "TestTurtleNegativeEval", "TestNTriplesNegativeSyntax"}


def manifest_cases() -> list[tuple[str, Path, bool]]:
    """(test name, input file, whether it must be accepted) for every test in both manifests."""
    cases = []
    for folder in ("rdf-turtle", "rdf-n-triples"):
        manifest = SUITE / folder / "manifest.ttl"
        if not manifest.is_file():
            continue
        triples = list(ox.parse(path=str(manifest), base_iri=manifest.as_uri()))
        kinds = {t.subject: t.object.value.removeprefix(RDFT) for t in triples if t.predicate.value == RDF_TYPE}
        for triple in triples:
            if triple.predicate.value == ACTION and kinds.get(triple.subject) in POSITIVE | NEGATIVE:
                path = Path(triple.object.value.removeprefix("file://"))
                name = f"{folder}/{str(triple.subject).rsplit('#', 1)[-1].rstrip('>')}"
                cases.append((name, path, kinds[triple.subject] in POSITIVE))
    return sorted(cases)


CASES = manifest_cases()
pytestmark = pytest.mark.skipif(not CASES, reason="../shared/w3c-rdf-tests is not present")


def test_the_suite_is_complete() -> None:
    assert sum(1 for _, _, good in CASES if not good) == 94 + 29
    assert sum(1 for _, _, good in CASES if good) == 74 + 145 + 41


@pytest.mark.parametrize(("name", "path", "good"), CASES, ids=[case[0] for case in CASES])
def test_syntax_only_validation_matches_the_manifest(name: str, path: Path, good: bool) -> None:
    report = validate([path], syntax_only=True)
    if good:
        assert report.conforms, f"{name}: rejected a valid file: {report.problems}"
    else:
        assert not report.conforms, f"{name}: accepted an invalid file"
        [problem] = report.problems
        file, line, column = problem.location.rsplit(":", 2)
        assert file == str(path)
        assert int(line) >= 1
        assert int(column) >= 1
