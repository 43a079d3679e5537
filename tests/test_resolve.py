"""One resolver for every command: forgiving about spelling, strict about ambiguity."""

from __future__ import annotations

import pytest

from sco_graph.errors import AmbiguousNameError, UnknownNameError, UsageError
from sco_graph.graph import Graph
from sco_graph.resolve import normalize


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
