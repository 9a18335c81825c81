"""Sources as staff read them: Dutch, without the developers' notes."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from bot.content.loader import read_documents
from bot.content.sources import is_link, source_text
from tests.helpers import CONTENT

# Words of the developers' English remarks; none may reach the screen.
ENGLISH = {
    "not", "found", "public", "sources", "via", "day", "unknown", "verify", "staff", "fill",
    "number", "never", "guess", "general", "well-known", "emergency", "affordable", "meal",
    "current", "price", "anonymous", "nobody", "ask", "daily", "medical", "transport",
    "least", "most", "twice", "hours", "ahead", "municipal", "pages", "own", "fee", "named",
    "contact", "replace", "organisation", "once", "known", "capacity", "problem", "the",
    "city", "points", "urgent", "help",
}  # fmt: skip


def _sources(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        if isinstance(value.get("source"), str):
            yield value["source"]
        for item in value.values():
            yield from _sources(item)
    elif isinstance(value, list):
        for item in value:
            yield from _sources(item)


ALL_SOURCES = sorted({s for doc in read_documents(CONTENT).values() for s in _sources(doc)})


def test_the_catalogue_has_sources_to_check() -> None:
    assert len(ALL_SOURCES) > 20


@pytest.mark.parametrize("source", ALL_SOURCES)
def test_every_source_in_the_catalogue_reads_as_dutch(source: str) -> None:
    shown = source_text(source)
    words = set(re.findall(r"[a-z][\w'-]*", shown.lower()))
    assert not words & ENGLISH, shown
    assert "FACTS" not in shown and ".md" not in shown and "shared/" not in shown, shown
    assert not re.search(r"\d{4}-\d{2}-\d{2}", shown), shown
    assert shown.strip() == shown and "  " not in shown and "()" not in shown, shown
    assert not shown.endswith((";", ",")) and not shown.startswith((";", ",")), shown


@pytest.mark.parametrize(
    ("source", "shown"),
    [
        ("not found in public sources (FACTS.md)", "Niet gevonden in openbare bronnen"),
        ("gva.be 2017-02-02 (via FACTS.md)", "gva.be 02-02-2017"),
        (
            "radioreflex.be, 2015, day unknown (via FACTS.md); verify",
            "radioreflex.be, 2015, dag onbekend; nog na te kijken",
        ),
        (
            "not found in public sources (FACTS.md, City contact points); never guess a number",
            "Niet gevonden in openbare bronnen",
        ),
        (
            "KAN memorandum 2023 (shared/seeds/000), De Lage Drempel",
            "KAN memorandum 2023, De Lage Drempel",
        ),
        ("telefonisch nagevraagd bij Den Abeel", "telefonisch nagevraagd bij Den Abeel"),
        (
            "https://www.mechelen.be/den-abeel-2024-01-02",
            "https://www.mechelen.be/den-abeel-2024-01-02",
        ),
    ],
)
def test_sources_shown(source: str, shown: str) -> None:
    assert source_text(source) == shown


def test_only_a_whole_web_address_is_a_link() -> None:
    assert is_link("https://www.mechelen.be/dienstencentra")
    assert not is_link("gva.be 2017-02-02")
    assert not is_link("javascript:alert(1)")
    assert not is_link("zie https://www.mechelen.be")
