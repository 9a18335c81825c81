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
    if len(term) < 5 or abs(len(word) - len(term)) > 2:
        return False
    allowed = 0.8 if len(term) < 8 else 0.75
    return SequenceMatcher(None, word, term).ratio() >= allowed


def find_term(text: str, terms: Mapping[str, T], *, fuzzy: bool = True) -> T | None:
    """The value of the best known phrase in `text`, or None.

    Longer phrases win over shorter ones, exact matches over near ones.
    """
    found = find_terms(text, terms, fuzzy=fuzzy)
    return found[0] if found else None


def find_terms(text: str, terms: Mapping[str, T], *, fuzzy: bool = True) -> list[T]:
    """The values of all known phrases in `text`, best match first, each value once."""
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
        elif fuzzy and any(
            _close(" ".join(words[i : i + size]), key) for i in range(len(words) - size + 1)
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
