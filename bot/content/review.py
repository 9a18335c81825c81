"""Every fact in the catalogue with its age, so staff see what needs re-checking."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from pydantic import BaseModel

from bot.content.answers import is_stale
from bot.content.loader import GENERAL, Catalogue
from bot.content.models import Contact, Fact, Hours, Location, Office, Sourced, UrgentNumber

FIELD_NAMES = {
    "about": "wat",
    "who": "voor wie",
    "price": "prijs",
    "signup": "inschrijven",
    "phone": "telefoon",
    "address": "adres",
    "hours": "openingsuren",
    "notes": "extra info",
    "closed": "gesloten",
    "contact": "contactpunt",
    "urgent": "dringende hulp",
    "danger": "gevaar",
    "suicide": "zelfdoding",
    "violence": "geweld",
    "homeless": "geen slaapplaats",
}


@dataclass(frozen=True)
class FactRow:
    place: str
    field: str
    text: str
    source: str
    checked: date
    age_days: int
    stale: bool
    # Where the fact is stored, for its edit form: the document and the path in it.
    document: str = ""
    path: str = ""
    # Nobody knows it yet (no text, no opening hours): the assistant can only refer on.
    unknown: bool = False


def _shown(fact: Sourced) -> str:
    if isinstance(fact, Hours):
        return "gekend" if fact.known else "onbekend"
    if isinstance(fact, Fact) and not fact.known:
        return "onbekend"
    if isinstance(fact, UrgentNumber):
        return f"{fact.number}: {fact.text}"
    return str(getattr(fact, "text", ""))


Found = tuple[str, str, Sourced, str]


def _walk(value: Any, place: str, field: str, path: str) -> Iterator[Found]:
    """(place, field, fact, path) for every fact in `value`; `path` as `edit.value_at` reads it:
    attribute names, a location's id, a note's position, a dict key, joined by "/"."""
    if isinstance(value, Sourced):
        yield place, field, value, path
    elif isinstance(value, list):
        for index, item in enumerate(value):
            step = item.id if isinstance(item, Location) else str(index)
            yield from _walk(item, place, field, f"{path}/{step}")
    elif isinstance(value, dict):
        for key, item in value.items():
            key = str(getattr(key, "value", key))
            yield from _walk(item, place, f"{field} ({FIELD_NAMES.get(key, key)})", f"{path}/{key}")
    elif isinstance(value, BaseModel):
        inner = (
            f"{place} › {value.name}" if isinstance(value, (Location, Contact, Office)) else place
        )
        for name in value.__fields__:
            yield from _walk(
                getattr(value, name), inner, FIELD_NAMES.get(name, name), f"{path}/{name}"
            )


def _unknown(fact: Sourced) -> bool:
    return isinstance(fact, (Fact, Hours)) and not fact.known


def review(catalogue: Catalogue, today: date, staleness_days: int) -> list[FactRow]:
    """All facts, the oldest first."""
    found = [(GENERAL, item) for item in _walk(catalogue.general, "Algemeen", "", "")]
    for service in catalogue.services.values():
        found += [(service.id.value, item) for item in _walk(service, service.name, "", "")]
    rows = [
        FactRow(
            place,
            field.strip(),
            _shown(fact),
            fact.source,
            fact.checked,
            (today - fact.checked).days,
            is_stale(fact, today, staleness_days),
            document,
            path.strip("/"),
            _unknown(fact),
        )
        for document, (place, field, fact, path) in found
    ]
    return sorted(rows, key=lambda row: (row.checked, row.place, row.field))


@dataclass(frozen=True)
class Todo:
    """The facts in the order staff work through them: first what nobody knows yet (the
    assistant can only refer on), then what is past its review date, the oldest first."""

    unknown: list[FactRow]
    stale: list[FactRow]
    rest: list[FactRow]

    @property
    def count(self) -> int:
        return len(self.unknown) + len(self.stale)


def todo(rows: list[FactRow]) -> Todo:
    """`rows` grouped for the to-do list; an unknown fact is listed once, as unknown."""
    by_place = sorted(rows, key=lambda row: (row.place.casefold(), row.field.casefold()))
    return Todo(
        [row for row in by_place if row.unknown],
        sorted((row for row in rows if row.stale and not row.unknown), key=lambda r: r.checked),
        [row for row in by_place if not row.unknown and not row.stale],
    )
