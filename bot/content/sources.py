"""Where a fact comes from, in words staff read without knowing the project's files.

The sources in `data/content` were written by developers: English remarks and references to
their notes ("not found in public sources (FACTS.md)"). Staff only need where the fact was
found and when; a source they type themselves ("telefonisch nagevraagd bij Den Abeel") is
already in their words and comes through unchanged.
"""

from __future__ import annotations

import re
from datetime import date

# References to the developers' own notes: they mean nothing to staff.
_NOTES = re.compile(
    r"\s*\((?:via\s+)?(?:[\w./-]*/)?FACTS\.md(?:,[^)]*)?\)|\s*\(shared/[^)]*\)",
    re.IGNORECASE,
)
# Developer remarks in English, longest first so a phrase wins over a word inside it.
_PHRASES: dict[str, str] = {
    "a named staff contact, replace with an organisation number once known": (
        "naam van een medewerker; vervang door het nummer van de organisatie"
    ),
    "not found in public sources": "niet gevonden in openbare bronnen",
    "no service number in public sources": "geen nummer van de dienst in openbare bronnen",
    "well-known belgian emergency number": "bekend Belgisch noodnummer",
    "affordable warm midday meal": "betaalbare warme maaltijd 's middags",
    "anonymous, nobody has to ask": "anoniem, niemand moet erom vragen",
    "mechelen's own fee not found": "de prijs in Mechelen niet gevonden",
    "no daily medical transport": "geen dagelijks ziekenvervoer",
    "at most twice the leefloon": "hoogstens twee keer het leefloon",
    "at least 48 hours ahead": "minstens 48 uur op voorhand",
    "no current price found": "geen prijs van nu gevonden",
    "and municipal pages": "en pagina's van gemeenten",
    "never guess a number": "",
    "mechelen's mmc number": "het nummer in Mechelen",
    "caw general number": "algemeen nummer van het CAW",
    "capacity problem": "te weinig plaats",
    "staff to fill in": "nog in te vullen",
    "day unknown": "dag onbekend",
    "verify": "nog na te kijken",
    "24/7": "dag en nacht",
}
_PHRASE = re.compile(
    "|".join(rf"(?<!\w){re.escape(p)}(?!\w)" for p in sorted(_PHRASES, key=len, reverse=True)),
    re.IGNORECASE,
)
_ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_EMPTY_PARTS = re.compile(r"\(\s*\)|\s*[;,]\s*(?=[;,]|$)|^\s*[;,]\s*")
# A web address stays as it is written: "gva.be", not "Gva.be"; a link must keep working.
_ADDRESS = re.compile(r"^(?:https?://)?[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}(?:[/?#]\S*)?(?=\s|,|;|$)")


def _date(match: re.Match[str]) -> str:
    try:
        day = date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return match[0]
    return day.strftime("%d-%m-%Y")


def source_text(source: str) -> str:
    """`source` as staff read it: in Dutch, dates as on the rest of the dashboard."""
    if is_link(source):
        return source
    text = _NOTES.sub("", source)
    text = _PHRASE.sub(lambda match: _PHRASES[match[0].lower()], text)
    text = _ISO_DATE.sub(_date, text)
    previous = None
    while previous != text:
        previous, text = text, _EMPTY_PARTS.sub("", text).strip()
    text = re.sub(r"\s{2,}", " ", text)
    if text == source or _ADDRESS.match(text):
        return text
    return text[:1].upper() + text[1:]


def is_link(source: str) -> bool:
    """The whole source is one web address, to be shown as a link."""
    return re.fullmatch(r"https?://\S+", source.strip()) is not None
