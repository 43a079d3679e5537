"""`validate` finds syntax errors, shape violations and impossible timelines, and says where."""

from __future__ import annotations

from pathlib import Path

import pytest

from sco_graph.model import TURTLE_PREFIXES
from sco_graph.validate import validate

PREFIXES = TURTLE_PREFIXES + 'src:a a sco:Article ; schema:headline "A headline" .\n'
EVIDENCE = 'sco:evidence [ sco:source src:a ; sco:quote "a quote" ]'


def write(tmp_path: Path, body: str, name: str = "mine.ttl") -> Path:
    path = tmp_path / name
    path.write_text(PREFIXES + body, encoding="utf-8")
    return path


def messages(path: Path) -> list[str]:
    return [str(problem) for problem in validate([path]).problems]


def test_a_well_formed_file_conforms(tmp_path: Path) -> None:
    path = write(tmp_path, f'ev:m a sco:Meeting ; rdfs:label "M" ; sco:date "2020-05"^^xsd:gYearMonth ; {EVIDENCE} .\n')
    report = validate([path])
    assert report.conforms, report.problems
    assert report.triples > 0


def test_a_syntax_error_is_reported_with_file_line_and_column(tmp_path: Path) -> None:
    path = write(tmp_path, "ev:m a sco:Meeting ;\n  rdfs:label <not an iri> .\n")
    [problem] = validate([path]).problems
    line = PREFIXES.count("\n") + 2
    assert problem.location == f"{path}:{line}:14"
    assert "IRI" in problem.message


def test_a_fact_without_a_source_is_reported(tmp_path: Path) -> None:
    path = write(tmp_path, 'ev:m a sco:Meeting ; rdfs:label "M" ; sco:date "2020-05-01"^^xsd:date .\n')
    assert any("ev:m" in text and "evidence" in text for text in messages(path))


def test_an_event_without_a_date_or_a_type_is_reported(tmp_path: Path) -> None:
    body = (
        f'ev:a a sco:Meeting ; rdfs:label "A" ; {EVIDENCE} .\n'
        f'ev:b rdfs:label "B" ; sco:participant e:x ; {EVIDENCE} .\n'
    )
    found = messages(write(tmp_path, body))
    assert any(text.startswith("ev:a:") and "date" in text for text in found)
    assert any(text.startswith("ev:b:") and "not typed as an event" in text for text in found)


@pytest.mark.parametrize("literal", ['"2020-05"^^xsd:date', '"2020"^^xsd:string', '"May 2020"'])
def test_a_date_without_a_valid_precision_is_reported(tmp_path: Path, literal: str) -> None:
    path = write(tmp_path, f'ev:m a sco:Summit ; rdfs:label "M" ; sco:date {literal} ; {EVIDENCE} .\n')
    assert validate([path]).problems


def test_an_impossible_date_is_rejected_as_ill_typed(tmp_path: Path) -> None:
    path = write(tmp_path, f'ev:m a sco:Summit ; rdfs:label "M" ; sco:date "2023-02-30"^^xsd:date ; {EVIDENCE} .\n')
    [problem] = validate([path]).problems
    assert "not a real date" in problem.message


def test_an_end_before_its_start_is_reported(tmp_path: Path) -> None:
    body = (
        'ev:m a sco:Summit ; rdfs:label "M" ; sco:date "2020-05-02"^^xsd:date ; '
        f'sco:endDate "2020-05-01"^^xsd:date ; {EVIDENCE} .\n'
    )
    assert any("before its start" in text for text in messages(write(tmp_path, body)))


def test_overlapping_statuses_of_one_member_are_reported_but_an_application_may_run_alongside(tmp_path: Path) -> None:
    def membership(name: str, status: str, start: str) -> str:
        return (
            f"f:{name} a sco:Membership ; sco:member e:x ; sco:organisation e:o ; sco:status sco:{status} ; "
            f'sco:start "{start}"^^xsd:gYear ; {EVIDENCE} .\n'
        )

    clash = write(tmp_path, membership("a", "observer", "2010") + membership("b", "member", "2015"), "clash.ttl")
    assert any("while still observer" in text for text in messages(clash))
    fine = write(tmp_path, membership("a", "observer", "2010") + membership("b", "applicant", "2015"), "fine.ttl")
    assert validate([fine]).conforms


def test_problems_are_sorted_and_every_file_is_checked(tmp_path: Path) -> None:
    first = write(tmp_path, "ev:a a .\n", "a.ttl")
    second = write(tmp_path, "ev:b a .\n", "b.ttl")
    report = validate([second, first])
    assert [problem.location.split(":")[0] for problem in report.problems] == [str(first), str(second)]


def test_validation_checks_shapes_without_rdflib_or_pyshacl(tmp_path: Path) -> None:
    """The shapes are checked inside the pyoxigraph store; the rdflib stack stays unloaded (and out of memory)."""
    import subprocess
    import sys

    path = write(tmp_path, 'ev:m a sco:Meeting ; rdfs:label "M" ; sco:date "2020-05-01"^^xsd:date .\n')
    script = (
        "import sys\nfrom pathlib import Path\nfrom sco_graph.validate import validate\n"
        f"assert not validate([Path({str(path)!r})]).conforms\n"
        "print(sorted({name.split('.')[0] for name in sys.modules} & {'rdflib', 'pyshacl'}))"
    )
    output = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout
    assert output.strip() == "[]"
