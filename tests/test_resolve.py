"""One resolver for every command: forgiving about spelling, strict about ambiguity."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sco_graph.errors import AmbiguousNameError, ScoGraphError, UnknownNameError, UsageError
from sco_graph.graph import Graph
from sco_graph.nameindex import IndexedNames, write_index
from sco_graph.resolve import Directory, Entry, Names, normalize, transliteration_key


@pytest.mark.parametrize(
    "typed",
    ["Zhang Ming", "zhang ming", "ZHANG  MING", "Zhang-Ming", "Zhāng Míng", "Zhang\u200bMing ", "Zhang"],
)
def test_case_accents_punctuation_and_invisible_characters_are_ignored(graph: Graph, typed: str) -> None:
    assert graph.resolve(typed).name == "Zhang Ming"


def test_lookalike_cyrillic_letters_match_latin(graph: Graph) -> None:
    assert graph.resolve("Mirzаev").name == "Ruslan Mirzaev"  # the first "а" is Cyrillic


VARIANTS = [
    ("Mirzayev", "Ruslan Mirzaev"),
    ("Sergey Lebedev", "Sergei Lebedev"),
    ("Yuri Khachaturov", "Yury Khachaturov"),
    ("Zhaparov", "Sadyr Japarov"),
]


@pytest.mark.parametrize(("typed", "name"), VARIANTS)
def test_transliteration_variants_resolve(graph: Graph, typed: str, name: str) -> None:
    assert graph.resolve(typed).name == name


def test_a_unique_surname_or_prefix_resolves(graph: Graph) -> None:
    assert graph.resolve("Japarov").name == "Sadyr Japarov"
    assert graph.resolve("Khachat").name == "Yury Khachaturov"


def test_an_ambiguous_name_lists_candidates_and_never_picks_one(graph: Graph) -> None:
    with pytest.raises(AmbiguousNameError) as caught:
        graph.resolve("Secretary-General")
    assert len(caught.value.candidates) >= 2
    assert "SCO Secretary-General (unnamed, 2018-06-09)" in caught.value.candidates


def test_an_unknown_name_suggests_near_names(graph: Graph) -> None:
    with pytest.raises(UnknownNameError) as caught:
        graph.resolve("Hakkala Terri")
    assert "Terhi Hakala" in caught.value.suggestions


@pytest.mark.parametrize("typed", ["", "   ", "\t\n", "x" * 301])
def test_empty_blank_and_overlong_names_are_usage_errors(graph: Graph, typed: str) -> None:
    with pytest.raises(UsageError):
        graph.resolve(typed)


def test_names_of_punctuation_only_are_usage_errors(graph: Graph) -> None:
    with pytest.raises(UsageError, match="no letters"):
        graph.resolve("?!")


def test_normalize_folds_apostrophes_and_spacing() -> None:
    assert normalize("Belarus’s  State Security Committee") == normalize("Belarus's State Security Committee")


# ------------------------------------------------------------ prefixes must be deliberate
def test_a_two_letter_prefix_never_resolves_and_is_offered_as_a_suggestion(graph: Graph) -> None:
    with pytest.raises(UnknownNameError) as caught:
        graph.resolve("Xi")
    assert caught.value.suggestions == ("Xinhua",)
    assert "too short" in caught.value.message


@pytest.mark.parametrize("typed", ["X", "Xi", "Xin", "xI"])
def test_prefixes_under_four_letters_do_not_resolve(graph: Graph, typed: str) -> None:
    with pytest.raises(UnknownNameError) as caught:
        graph.resolve(typed)
    assert "Xinhua" in caught.value.suggestions


@pytest.mark.parametrize(
    ("typed", "name"),
    [("Xinh", "Xinhua"), ("Khachat", "Yury Khachaturov"), ("Kyrg", "Kyrgyzstan"), ("Uzbek", "Uzbekistan")],
)
def test_a_prefix_of_four_letters_or_more_resolves_when_unique(graph: Graph, typed: str, name: str) -> None:
    assert graph.resolve(typed).name == name


@pytest.mark.parametrize(
    ("typed", "name"),
    [("Zhang Min", "Zhang Ming"), ("Zhang Mi", "Zhang Ming"), ("Sadyr Japa", "Sadyr Japarov")],
)
def test_after_whole_words_half_of_the_last_word_is_enough(graph: Graph, typed: str, name: str) -> None:
    assert graph.resolve(typed).name == name


@pytest.mark.parametrize(("typed", "name"), [("Zhang M", "Zhang Ming"), ("Sadyr Jap", "Sadyr Japarov")])
def test_after_whole_words_less_than_half_of_the_last_word_is_only_a_suggestion(
    graph: Graph, typed: str, name: str
) -> None:
    with pytest.raises(UnknownNameError) as caught:
        graph.resolve(typed)
    assert caught.value.suggestions == (name,)


def test_a_short_prefix_of_several_names_suggests_them_all(graph: Graph) -> None:
    with pytest.raises(UnknownNameError) as caught:
        graph.resolve("SCO Dev")
    assert set(caught.value.suggestions) == {"SCO Development Bank", "SCO Development Fund"}


def test_a_deliberate_prefix_of_several_names_is_still_ambiguous(graph: Graph) -> None:
    with pytest.raises(AmbiguousNameError) as caught:
        graph.resolve("Turk")
    assert {"Turkey", "Turkmenistan"} <= set(caught.value.candidates)


@pytest.mark.parametrize(
    ("typed", "name"),
    [
        ("EU", "European Union"),
        ("SCO", "Shanghai Cooperation Organisation"),
        ("CIS", "Commonwealth of Independent States"),
        ("Khachat", "Yury Khachaturov"),
        ("Mirzayev", "Ruslan Mirzaev"),
        ("Japarov", "Sadyr Japarov"),
        ("Japarow", "Sadyr Japarov"),
        ("Zhang", "Zhang Ming"),
    ],
)
def test_short_acronyms_surnames_and_variants_resolve_as_before(graph: Graph, typed: str, name: str) -> None:
    assert graph.resolve(typed).name == name


def _names_of_both_kinds(tmp_path: Path, entries: list[Entry]) -> list[Names]:
    """The same entities in memory (endpoints) and in a compiled SQLite name index."""
    write_index(entries, tmp_path / "names.sqlite")
    return [Directory({entry.iri: entry for entry in entries}), IndexedNames(tmp_path / "names.sqlite")]


def test_a_short_whole_word_resolves_where_the_same_prefix_would_not(tmp_path: Path) -> None:
    entries = [
        Entry("urn:x:xinhua", "Xinhua", "organisation"),
        Entry("urn:x:xi", "Xi Jinping", "person"),
    ]
    for names in _names_of_both_kinds(tmp_path, entries):
        assert names.resolve("Xi").name == "Xi Jinping"
        assert names.resolve("xi jinping").name == "Xi Jinping"
        with pytest.raises(UnknownNameError) as caught:
            names.resolve("Xin")
        assert caught.value.suggestions[0] == "Xinhua"


# ------------------------------------------------------------ suggestions must be plausible
@pytest.mark.parametrize("typed", ["Putin", "Modi", "Atlantis", "Nobody Atall", "Lavrov"])
def test_names_like_nothing_known_get_no_suggestion_but_a_pointer_to_search(graph: Graph, typed: str) -> None:
    with pytest.raises(UnknownNameError) as caught:
        graph.resolve(typed)
    assert caught.value.suggestions == ()
    assert "no known name is similar" in caught.value.message
    assert "sco-graph search" in caught.value.message


def test_putin_suggests_neither_the_csto_nor_a_programme_of_action(graph: Graph) -> None:
    with pytest.raises(UnknownNameError) as caught:
        graph.resolve("Putin")
    assert "Collective Security Treaty Organisation" not in caught.value.message
    assert "Programme" not in caught.value.message


MISSPELLINGS = [
    ("Mirzoyev", "Ruslan Mirzaev"),
    ("Khachaturyan", "Yury Khachaturov"),
    ("Lebedeff", "Sergei Lebedev"),
    ("Hakkala Terri", "Terhi Hakala"),
    ("Tadjikistan", "Tajikistan"),
    ("Afganistan", "Afghanistan"),
    ("Collective Securty", "Collective Security Treaty Organisation"),
]


@pytest.mark.parametrize(("typed", "name"), MISSPELLINGS)
def test_a_misspelling_suggests_only_the_names_it_is_close_to(graph: Graph, typed: str, name: str) -> None:
    with pytest.raises(UnknownNameError) as caught:
        graph.resolve(typed)
    assert caught.value.suggestions == (name,)


def test_a_transposed_acronym_suggests_what_it_could_mean(graph: Graph) -> None:
    with pytest.raises(UnknownNameError) as caught:
        graph.resolve("CTSO")
    assert "Collective Security Treaty Organisation" in caught.value.suggestions


@settings(max_examples=200, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(alphabet="abcdeghiklmnorstuxyzAEIOUSXZ", min_size=1, max_size=3))
def test_a_lone_word_under_four_letters_resolves_only_as_a_whole_word(graph: Graph, typed: str) -> None:
    try:
        entity = graph.resolve(typed)
    except ScoGraphError:
        return
    entry = graph.directory.get(entity.iri)
    assert entry is not None
    key = transliteration_key(normalize(typed))
    whole = {transliteration_key(word) for name in entry.names for word in normalize(name).split()}
    loose = {transliteration_key(normalize(name)) for name in entry.names}
    assert key in whole | loose


@settings(max_examples=200, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(["Xi", "Zh", "SCO", "Se", "Japa", "M", "Terhi", "Dev", "-", "’", "ß"]), max_size=4))
def test_resolving_fragments_of_names_raises_only_domain_errors(graph: Graph, fragments: list[str]) -> None:
    outcome: object
    try:
        outcome = graph.resolve(" ".join(fragments))
    except ScoGraphError as error:
        outcome = error
    if isinstance(outcome, UnknownNameError):  # suggestions are names of known entities, never made up
        assert all(graph.directory.is_exact_name(name) for name in outcome.suggestions)
    if isinstance(outcome, ScoGraphError):
        assert outcome.message


def test_numbers_in_names_are_never_folded_like_doubled_letters(tmp_path: Path) -> None:
    entries = [Entry("urn:x:seven", "Zuto Mirana 7", "person"), Entry("urn:x:ten", "Summit Hall 10", "place")]
    for names in _names_of_both_kinds(tmp_path, entries):
        assert names.resolve("Zuto Miranna 7").name == "Zuto Mirana 7"  # a doubled letter still folds
        for typed in ("Zuto Mirana 77", "Summit Hall 100"):
            with pytest.raises(UnknownNameError):
                names.resolve(typed)
