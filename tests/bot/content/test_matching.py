from __future__ import annotations

import pytest

from bot.content.matching import find_term, find_terms, normalise

TERMS = {"den abeel": "abeel", "abeel": "abeel", "zaterdag": "za", "nu": "nu", "morgen": "morgen"}


def test_normalise() -> None:
    assert normalise("  Ís Dén-Abeel  OPEN?? ") == "is den abeel open"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("is den abeel open", "abeel"),
        ("is abel open", "abeel"),
        ("zatterdag", "za"),
        ("is het nu open", "nu"),
        ("goedemorgen", None),
        ("nuttig", None),
        ("", None),
    ],
)
def test_find_term(text: str, expected: str | None) -> None:
    assert find_term(text, TERMS) == expected


def test_exact_only() -> None:
    assert find_term("den abel", TERMS, fuzzy=False) is None


def test_all_terms_best_first() -> None:
    assert find_terms("den abeel morgen", TERMS) == ["abeel", "morgen"]


def test_a_phrase_counts_only_when_written_out() -> None:
    # A near match on a phrase would read "wat kost da" as "wat doet".
    assert find_term("wat kost da", {"wat doet": "about"}) is None


def test_near_matches_only_for_long_enough_words() -> None:
    assert find_term("hoe schrijf ik mij in", {"schijf": "place"}, fuzzy_from=7) is None
    assert find_term("maandverbant", {"maandverband": "m"}, fuzzy_from=7) == "m"
