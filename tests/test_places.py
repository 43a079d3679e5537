"""Places contain places: an event at a place inside another belongs to the outer place's timeline and neighbours."""

from __future__ import annotations

from sco_graph import queries
from sco_graph.graph import Graph
from tests.conftest import Invoke

MEETING = "Ruslan Mirzaev meets Belarusian KGB First Deputy Chairman Sergey Terebov in Tashkent"
BISHKEK_MEETING = "Sadyr Japarov meets visiting SCO Secretary-General Zhang Ming in Bishkek"
SUMMIT = "SCO Heads of State Council Meeting in Bishkek"


def test_tashkent_timeline_lists_the_meeting_at_the_rats_headquarters(graph: Graph) -> None:
    [event] = queries.timeline(graph, ["Tashkent"]).events
    assert event.label == MEETING
    assert str(event.when) == "2023-05-29"
    assert event.place is not None
    assert event.place.name == "SCO RATS headquarters"
    assert event.via is not None
    assert event.via.name == "SCO RATS headquarters"


def test_the_cli_marks_the_inner_place(cli: Invoke) -> None:
    table = cli("timeline", "Tashkent").stdout
    assert "via SCO RATS headquarters" in table
    [event] = cli.json("timeline", "Tashkent")["events"]
    assert event["via"]["name"] == "SCO RATS headquarters"


def test_bishkek_is_located_in_kyrgyzstan_with_the_article_quote(graph: Graph) -> None:
    located = [row for row in queries.neighbours(graph, "Bishkek").neighbours if row.relation == "located in"]
    assert [row.other.name for row in located] == ["Kyrgyzstan"]
    quotes = {citation.quote for citation in located[0].edge.citations}
    assert any("Kyrgyz president" in quote and "the capital city of Bishkek" in quote for quote in quotes)


def test_events_in_bishkek_belong_to_kyrgyzstans_timeline_via_bishkek(graph: Graph) -> None:
    events = {event.label: event for event in queries.timeline(graph, ["Kyrgyzstan"]).events}
    assert SUMMIT in events
    summit_via = events[SUMMIT].via
    assert summit_via is not None
    assert summit_via.name == "Bishkek"
    # The president's meeting in the capital reaches the timeline through him or through Bishkek.
    meeting_via = events[BISHKEK_MEETING].via
    assert meeting_via is not None
    assert meeting_via.name in {"Sadyr Japarov", "Bishkek"}


def test_containment_is_transitive(graph: Graph) -> None:
    """Qingdao lies in Shandong, which lies in China: Qingdao's events are China's, via Qingdao."""
    events = queries.timeline(graph, ["China"], types=["summit"]).events
    qingdao = [event for event in events if event.place is not None and event.place.name == "Qingdao"]
    assert qingdao
    assert all(event.via is not None and event.via.name == "Qingdao" for event in qingdao)


def test_an_inner_place_does_not_take_the_outer_ones_events(graph: Graph) -> None:
    labels = {event.label for event in queries.timeline(graph, ["SCO RATS headquarters"]).events}
    assert labels == {MEETING}
    assert queries.timeline(graph, ["Bishkek"], types=["summit"]).events[0].via is None


def test_tashkent_neighbours_show_who_met_there_via_the_headquarters(graph: Graph) -> None:
    rows = queries.neighbours(graph, "Tashkent").neighbours
    hosted = {(row.other.name, row.via.name if row.via else None) for row in rows if row.relation == "hosted"}
    assert hosted == {("Ruslan Mirzaev", "SCO RATS headquarters"), ("Sergey Terebov", "SCO RATS headquarters")}
    assert ("contains", "SCO RATS headquarters") in {(row.relation, row.other.name) for row in rows}


def test_kyrgyzstan_neighbours_take_in_bishkek(graph: Graph) -> None:
    rows = queries.neighbours(graph, "Kyrgyzstan").neighbours
    found = {(row.relation, row.other.name, row.via.name if row.via else None) for row in rows}
    assert ("contains", "Bishkek", None) in found
    assert ("hosted a summit of", "SCO Heads of State Council", "Bishkek") in found
    assert ("hosted", "Zhang Ming", "Bishkek") in found
    assert not any(row.other.name == "Kyrgyzstan" for row in rows)
