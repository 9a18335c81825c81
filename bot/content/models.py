"""The shape of the service catalogue.

Every fact carries its source and the date somebody last checked it, so staff can
see what to re-check and the assistant can warn that old information may have
changed. A fact whose `text` is null is unknown: the assistant then says so and
points to a person, instead of guessing.
"""

from __future__ import annotations

import re
from datetime import date, time
from enum import Enum
from itertools import pairwise
from typing import Any

from pydantic import BaseModel, Extra, Field, root_validator, validator

_RANGE = re.compile(r"^\s*(\d{1,2})[:.](\d{2})\s*-\s*(\d{1,2})[:.](\d{2})\s*$")
_SLUG = r"^[a-z0-9_]+$"


class Weekday(str, Enum):
    maandag = "maandag"
    dinsdag = "dinsdag"
    woensdag = "woensdag"
    donderdag = "donderdag"
    vrijdag = "vrijdag"
    zaterdag = "zaterdag"
    zondag = "zondag"

    @classmethod
    def of(cls, day: date) -> Weekday:
        return list(cls)[day.weekday()]


class ServiceId(str, Enum):
    dienstencentrum = "dienstencentrum"
    minder_mobielen = "minder_mobielen"
    menstruatie = "menstruatie"
    woonclub = "woonclub"


class _Strict(BaseModel):
    class Config:
        extra = Extra.forbid
        allow_mutation = False


class Sourced(_Strict):
    source: str = Field(..., min_length=3)
    checked: date


class Fact(Sourced):
    text: str | None

    @property
    def known(self) -> bool:
        return self.text is not None


class Note(Sourced):
    """A fact that is always known: extra information shown as it is."""

    text: str = Field(..., min_length=1)


class TimeRange(_Strict):
    start: time
    end: time

    @classmethod
    def parse(cls, raw: str) -> TimeRange:
        match = _RANGE.match(raw)
        if not match:
            raise ValueError(f"{raw!r} is not a time range like 09:00-12:30")
        h1, m1, h2, m2 = (int(g) for g in match.groups())
        start, end = time(h1, m1), time(h2, m2)
        if end <= start:
            raise ValueError(f"{raw!r} ends before it starts")
        return cls(start=start, end=end)


def _ranges(value: Any) -> list[TimeRange]:
    if not isinstance(value, list):
        raise ValueError("must be a list of time ranges like ['09:00-12:00'] ([] = closed)")
    ranges = sorted((TimeRange.parse(str(v)) for v in value), key=lambda r: r.start)
    for first, second in pairwise(ranges):
        if second.start < first.end:
            raise ValueError("time ranges overlap")
    return ranges


class Hours(Sourced):
    """Opening hours; `weekly: null` means nobody knows them yet."""

    weekly: dict[Weekday, list[TimeRange]] | None
    closed_on_public_holidays: bool = True
    exceptions: dict[date, list[TimeRange]] = Field(default_factory=dict)

    @validator("weekly", pre=True)
    def _parse_weekly(cls, value: Any) -> Any:
        if value is None:
            return None
        if not isinstance(value, dict):
            raise ValueError("must map a weekday (maandag … zondag) to time ranges")
        return {day: _ranges(ranges) for day, ranges in value.items()}

    @validator("exceptions", pre=True)
    def _parse_exceptions(cls, value: Any) -> Any:
        if not isinstance(value, dict):
            raise ValueError("must map a date (2026-12-24) to time ranges ([] = closed)")
        return {day: _ranges(ranges) for day, ranges in value.items()}

    @property
    def known(self) -> bool:
        return self.weekly is not None


class Location(_Strict):
    id: str = Field(..., regex=_SLUG)
    name: str
    aliases: list[str] = Field(default_factory=list)
    address: Fact
    phone: Fact
    hours: Hours
    notes: list[Note] = Field(default_factory=list)
    # Set when a place no longer exists, so a resident asking about it is told so.
    closed: Note | None = None


class Service(_Strict):
    id: ServiceId
    name: str
    # How the assistant names one place of this service ("centrum", "plaats").
    place_word: str = "plaats"
    # The menu button, and how a sentence names the topic ("Gaat je vraag over vervoer?").
    label: str = Field(..., min_length=2)
    topic: str = Field(..., min_length=2)
    # Words that tie a message to this service (besides its places' names and aliases): a
    # message without any of them is not answered with this service's facts on a guess.
    words: list[str] = Field(..., min_items=1)
    about: Fact
    who: Fact
    price: Fact
    signup: Fact
    phone: Fact
    notes: list[Note] = Field(default_factory=list)
    locations: list[Location] = Field(default_factory=list)
    # Only these locations are offered as buttons when the resident names none.
    main_locations: list[str] = Field(default_factory=list)

    @root_validator(skip_on_failure=True)
    def _main_locations_exist(cls, values: dict[str, Any]) -> dict[str, Any]:
        ids = [loc.id for loc in values["locations"]]
        if len(set(ids)) != len(ids):
            raise ValueError("two locations share an id")
        unknown = set(values["main_locations"]) - set(ids)
        if unknown:
            raise ValueError(f"main_locations names unknown ids: {sorted(unknown)}")
        return values


class Contact(_Strict):
    """The city's general contact point: where a resident can always reach a person."""

    name: str
    phone: Fact
    address: Fact
    hours: Hours


class Office(_Strict):
    """A desk for the social questions the assistant must not guess at (rent, papers, debts)."""

    name: str
    address: Fact
    phone: Fact


class UrgentKind(str, Enum):
    danger = "danger"
    suicide = "suicide"
    violence = "violence"
    homeless = "homeless"


class UrgentNumber(Sourced):
    number: str
    # What the resident reads: when to call, and the number itself.
    text: str

    @validator("text")
    def _names_number(cls, value: str, values: dict[str, Any]) -> str:
        number = values.get("number")
        if number is not None and number not in value:
            raise ValueError(f"must contain the number {number}")
        return value


class General(_Strict):
    contact: Contact
    # Where residents go with the social questions the assistant cannot answer.
    social: Office
    urgent: dict[UrgentKind, UrgentNumber]

    @validator("urgent")
    def _all_kinds(cls, value: dict[UrgentKind, UrgentNumber]) -> dict[UrgentKind, UrgentNumber]:
        missing = set(UrgentKind) - set(value)
        if missing:
            raise ValueError(f"missing numbers for: {sorted(k.value for k in missing)}")
        return value
