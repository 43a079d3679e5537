"""The curated dataset: it validates, quotes its sources verbatim, and states each article's facts."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from sco_graph import queries
from sco_graph.dates import PartialDate
from sco_graph.graph import Graph
from sco_graph.validate import validate


def _squash(text: str) -> str:
    """Compare modulo whitespace: the articles use non-breaking spaces where the data has plain ones."""
    return re.sub(r"\s+", " ", text)


def test_bundled_data_validates() -> None:
    report = validate()
    assert report.conforms, "\n".join(str(problem) for problem in report.problems)
    assert report.triples > 1000


def test_every_evidence_snippet_is_verbatim_in_its_article(graph: Graph, seeds: Path) -> None:
    checked = 0
    for node, citations in graph.citations().items():
        assert citations, f"{node} has no evidence"
        for citation in citations:
            assert citation.source.seed_file, f"{citation.source.iri} names no seed file"
            article = _squash((seeds / citation.source.seed_file).read_text(encoding="utf-8"))
            assert _squash(citation.quote) in article, (
                f"{node}: {citation.quote!r} is not in {citation.source.seed_file}"
            )
            checked += 1
    assert checked > 150


def test_every_source_article_is_cited(graph: Graph) -> None:
    cited = {citation.source.seed_file for citations in graph.citations().values() for citation in citations}
    assert cited == {source.seed_file for source in graph.sources.values()}
    assert len(cited) == 5


def _meetings(graph: Graph, name: str) -> dict[str, str]:
    return {row.counterpart.name: str(row.event.when) for row in queries.who_met(graph, name).meetings}


# ------------------------------------------------------------ article 000 (Xinhua, 2023-05-13)
def test_000_japarov_met_zhang_ming_on_thursday_11_may_not_the_publication_date(graph: Graph) -> None:
    [row] = queries.who_met(graph, "Sadyr Japarov").meetings
    assert row.counterpart.name == "Zhang Ming"
    assert str(row.event.when) == "2023-05-11"
    assert row.event.place is not None and row.event.place.name == "Bishkek"
    assert {c.source.seed_file for c in row.event.citations} == {"000_0d8e3764f262debe.txt"}


def test_000_japarov_proposals_are_recorded(graph: Graph) -> None:
    events = queries.timeline(graph, ["Japarov"], types=["proposal"]).events
    topics = {entity.name for event in events for role, entity in event.roles if role == "about"}
    assert topics == {
        "Center for Combating International Organized Crime",
        "SCO Development Bank",
        "SCO Development Fund",
    }


def test_000_positions(graph: Graph) -> None:
    card = queries.show(graph, "Zhang Ming")
    assert [(edge.target.name, edge.detail) for edge in card.positions] == [
        ("Shanghai Cooperation Organisation", "Secretary-General")
    ]


# ------------------------------------------------------------ article 001 (tripartite meeting, Qingdao)
def test_001_tripartite_meeting_has_three_participants_and_an_unnamed_chair(graph: Graph) -> None:
    met = _meetings(graph, "Sergei Lebedev")
    assert met == {"SCO Secretary-General (unnamed, 2018-06-09)": "2018-06-09", "Yury Khachaturov": "2018-06-09"}
    [row, _] = queries.who_met(graph, "Lebedev").meetings
    chairs = [entity.name for role, entity in row.event.roles if role == "chair"]
    assert chairs == ["SCO Secretary-General (unnamed, 2018-06-09)"]
    assert row.event.place is not None and row.event.place.name == "Qingdao"


def test_001_memorandum_signed_in_may_2018_keeps_month_precision(graph: Graph) -> None:
    signings = queries.timeline(graph, ["CSTO Secretariat"], types=["signing"]).events
    [signing] = signings
    assert str(signing.when) == "2018-05"
    assert signing.when.date is not None and signing.when.date.precision == "month"
    assert {entity.name for entity in signing.participants} == {
        "CSTO Secretariat",
        "CIS Anti-Terrorism Centre",
        "Regional Anti-Terrorist Structure of the SCO",
    }


def test_001_partner_organisations_since_april_2005_and_october_2007(graph: Graph) -> None:
    card = queries.show(graph, "SCO")
    partners = {
        (edge.target.name if edge.source.name.startswith("Shanghai") else edge.source.name): str(edge.period.start)
        for edge in card.memberships
        if edge.relation == "partner organisation of" and edge.period
    }
    assert partners == {
        "Commonwealth of Independent States": "2005-04",
        "Collective Security Treaty Organisation": "2007-10",
    }


# ------------------------------------------------------------ article 002 (Shandong On Internet, 2018-06-08)
def test_002_cis_sco_memorandum_signed_2005_04_12_by_secretariat_and_executive_committee(graph: Graph) -> None:
    [signing] = queries.timeline(graph, ["CIS Executive Committee"], types=["signing"]).events
    assert str(signing.when) == "2005-04-12"
    assert {entity.name for entity in signing.participants} == {"SCO Secretariat", "CIS Executive Committee"}


def test_002_interview_is_undated_but_not_after_publication(graph: Graph) -> None:
    [interview] = queries.timeline(graph, ["Lebedev"], types=["interview"]).events
    assert interview.when.date is None
    assert str(interview.when.not_after) == "2018-06-08"


def test_002_cis_members_and_sco_eight_members_in_2018(graph: Graph) -> None:
    cis = queries.members(graph, ["CIS"], as_of=PartialDate.parse("2018-06-08"))
    assert {row.member.name for row in cis.rows} == {
        "Armenia", "Azerbaijan", "Belarus", "Kazakhstan", "Kyrgyzstan", "Moldova", "Russia", "Tajikistan", "Uzbekistan",
    }  # fmt: skip
    sco = queries.members(graph, ["SCO"], as_of=PartialDate.parse("2018-06-08"), status="member")
    assert len(sco.rows) == 8


def test_002_summit_in_qingdao_spans_9_and_10_june_with_two_sources(graph: Graph) -> None:
    [summit] = queries.timeline(graph, ["Qingdao"], types=["summit"]).events
    assert str(summit.when) == "2018-06-09/2018-06-10"
    assert {c.source.seed_file[:3] for c in summit.citations} == {"001", "002"}


# ------------------------------------------------------------ article 003 (Infoshos, 2019-07-12)
def test_003_norov_met_burian_on_the_sidelines_of_the_osce_forum(graph: Graph) -> None:
    [row] = queries.who_met(graph, "Norov").meetings
    assert (row.counterpart.name, str(row.event.when)) == ("Peter Burian", "2019-07-10")
    assert row.event.place is None  # the article does not say where
    assert row.event.occasion == "on the sidelines of the OSCE Forum for Security Co-operation"


def test_003_bishkek_council_meeting_and_headline_facts_are_marked(graph: Graph) -> None:
    events = queries.timeline(graph, [], start=PartialDate.parse("2019-06"), stop=PartialDate.parse("2020-01")).events
    summit = next(event for event in events if event.type == "summit")
    assert str(summit.when) == "2019-06-13/2019-06-14"
    headlines = [event for event in events if event.headline_only]
    assert len(headlines) == 7
    assert all(event.when.not_after is not None and event.when.date is None for event in headlines)


# ------------------------------------------------------------ article 004 (UrduPoint / Sputnik, 2023-05-30)
def test_004_mirzaev_met_terebov_and_hakala_on_monday_29_may(graph: Graph) -> None:
    assert _meetings(graph, "Ruslan Mirzaev") == {"Sergey Terebov": "2023-05-29", "Terhi Hakala": "2023-05-29"}
    hakala = next(row for row in queries.who_met(graph, "Mirzaev").meetings if row.counterpart.name == "Terhi Hakala")
    assert [entity.name for role, entity in hakala.event.roles if role == "requested by"] == ["Terhi Hakala"]


def test_004_founders_2001_admissions_2017_observers_partners_and_belarus_application(graph: Graph) -> None:
    before = queries.members(graph, ["SCO"], as_of=PartialDate.parse("2016-06-01"))
    assert {row.member.name for row in before.rows} == {
        "China",
        "Kazakhstan",
        "Kyrgyzstan",
        "Russia",
        "Tajikistan",
        "Uzbekistan",
    }
    after = queries.members(graph, ["SCO"], as_of=PartialDate.parse("2023-05-30"))
    by_status: dict[str, set[str]] = {}
    for row in after.rows:
        by_status.setdefault(row.status, set()).add(row.member.name)
    assert by_status["member"] >= {"India", "Pakistan"}
    assert by_status["observer"] == {"Afghanistan", "Belarus", "Iran", "Mongolia"}
    assert len(by_status["partner"]) == 9
    assert by_status["applicant"] == {"Belarus"}
    [application] = queries.timeline(graph, ["Belarus"], types=["application"]).events
    assert str(application.when) == "2022-07"


def test_004_mirzaev_spelling_variants_are_one_person(graph: Graph) -> None:
    assert graph.resolve("Mirzayev").iri == graph.resolve("Ruslan Mirzaev").iri


@pytest.mark.parametrize(
    ("alias", "name"),
    [
        ("SCO", "Shanghai Cooperation Organisation"),
        ("Shanghai Cooperation Organization", "Shanghai Cooperation Organisation"),
        ("CIS", "Commonwealth of Independent States"),
        ("CSTO", "Collective Security Treaty Organisation"),
        ("RATS", "Regional Anti-Terrorist Structure of the SCO"),
        ("SCO RATS", "Regional Anti-Terrorist Structure of the SCO"),
        ("EU", "European Union"),
        ("KGB", "State Security Committee of Belarus"),
        ("Belarusian KGB", "State Security Committee of Belarus"),
    ],
)
def test_aliases_and_acronyms_resolve(graph: Graph, alias: str, name: str) -> None:
    assert graph.resolve(alias).name == name
