from __future__ import annotations

import pytest

from bot.content.matching import find_term, find_terms, normalise

TERMS = {"den abeel": "abeel", "zaterdag": "za", "nu": "nu", "morgen": "morgen"}


def test_normalise() -> None:
    assert normalise("  Ís Dén-Abeel  OPEN?? ") == "is den abeel open"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("is den abeel open", "abeel"),
        ("is den abel open", "abeel"),
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
