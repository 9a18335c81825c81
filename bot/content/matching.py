"""Find known words in what residents type, forgiving typos.

Residents write "den abel", "zatterdag" or "openingsure". Exact phrases win;
otherwise a word may differ by a letter or two from a known term. Short terms
must match exactly, because a one-letter slip there changes the word.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from difflib import SequenceMatcher
from typing import TypeVar

T = TypeVar("T")

_NON_WORD = re.compile(r"[^a-z0-9]+")


def normalise(text: str) -> str:
    """Lower case, no accents, words separated by single spaces."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _NON_WORD.sub(" ", plain).strip()


def _close(word: str, term: str) -> bool:
    # Slips keep the first letter; without that "maanden" would pass for "aanmelden".
    if len(term) < 5 or abs(len(word) - len(term)) > 2 or word[:1] != term[:1]:
        return False
    allowed = 0.8 if len(term) < 8 else 0.75
    return SequenceMatcher(None, word, term).ratio() >= allowed


def find_term(
    text: str, terms: Mapping[str, T], *, fuzzy: bool = True, fuzzy_from: int = 5
) -> T | None:
    """The value of the best known phrase in `text`, or None.

    Longer phrases win over shorter ones, exact matches over near ones.
    """
    found = find_terms(text, terms, fuzzy=fuzzy, fuzzy_from=fuzzy_from)
    return found[0] if found else None


def find_terms(
    text: str, terms: Mapping[str, T], *, fuzzy: bool = True, fuzzy_from: int = 5
) -> list[T]:
    """The values of all known phrases in `text`, best match first, each value once.

    Near matches count only for single words of at least `fuzzy_from` letters: a near match
    on a phrase finds "dak boven" in "da open" and "wat doet" in "wat kost".
    """
    words = normalise(text).split()
    padded = f" {' '.join(words)} "
    scored: list[tuple[tuple[int, int], T]] = []
    for phrase, value in terms.items():
        key = normalise(phrase)
        if not key:
            continue
        size = len(key.split())
        if f" {key} " in padded:
            score = (1, len(key))
        elif (
            fuzzy
            and size == 1
            and len(key) >= fuzzy_from
            and any(_close(word, key) for word in words)
        ):
            score = (0, len(key))
        else:
            continue
        scored.append((score, value))
    scored.sort(key=lambda pair: pair[0], reverse=True)
    values: list[T] = []
    for _, value in scored:
        if value not in values:
            values.append(value)
    return values
