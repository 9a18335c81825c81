"""The dashboard's fact forms: what staff typed, turned into a fact as the catalogue stores it.

Staff fill these in on a tablet, so the form reads what people type: "9-12, 13u-16u30" for
opening hours, 24/12/2026 or the date picker's 2026-12-24 for a day. Whatever is wrong gets a
message in plain Dutch next to its field, and everything typed stays, so nothing has to be
typed twice. A value this module returns passes the catalogue's own checks.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from enum import Enum
from itertools import pairwise
from typing import Any

from bot.content.models import Weekday
from bot.content.sources import source_text


class Kind(str, Enum):
    """The four shapes of a fact, each with its own form."""

    # A text that may be unknown (empty): an address, a price, a phone number.
    fact = "fact"
    # A text that is always there: extra information, a closure.
    note = "note"
    # An urgent-help number and the sentence that gives it.
    urgent = "urgent"
    hours = "hours"


# Form field names; the browser test and the templates use the same ones.
TEXT = "tekst"
NUMBER = "nummer"
SOURCE = "bron"
CHECKED = "nagekeken"
HOURS_UNKNOWN = "uren_onbekend"
HOLIDAYS = "feestdagen"
HOLIDAYS_CLOSED = "gesloten"
HOLIDAYS_OPEN = "open"
# Not a field: the key of a problem with the week as a whole.
WEEK = "week"
# Exception rows: f"{EXCEPTION}-{row}-{part}".
EXCEPTION = "uitzondering"
FROM, UNTIL, EXCEPTION_HOURS, REMOVE = "van", "tot", "uren", "weg"
DAYS = [day.value for day in Weekday]

MAX_TEXT = 1000
MAX_SOURCE = 300
MIN_SOURCE = 3
MAX_ROWS = 60
# A dated exception is for holidays and works, not a second schedule.
MAX_EXCEPTION_DAYS = 366
EXAMPLE_HOURS = "9:00-12:00, 13:00-16:30"

_ROW_FIELD = re.compile(rf"^{EXCEPTION}-(\d{{1,2}})-({FROM}|{UNTIL}|{EXCEPTION_HOURS}|{REMOVE})$")
_TIME = r"(\d{1,2})(?:\s*[:.uUhH]\s*(\d{2})?)?"
_RANGE = re.compile(rf"^{_TIME}\s*(?:-|–|—|tot)\s*{_TIME}\s*(?:u|uur)?$")
_RANGE_SPLIT = re.compile(r"\s*(?:,|;|/|\+|&|\ben\b)\s*")
_CLOSED_WORDS = {"gesloten", "dicht", "toe", "-"}
_DMY = re.compile(r"^(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{2}|\d{4})$")


def kind_of(path: str, value: Mapping[str, Any]) -> Kind:
    if "weekly" in value:
        return Kind.hours
    if "number" in value:
        return Kind.urgent
    parts = path.split("/")
    if parts[-1] == "closed" or (len(parts) > 1 and parts[-2] == "notes"):
        return Kind.note
    return Kind.fact


@dataclass
class Form:
    """A fact form as shown: the typed (or stored) text per field, problems per field, and
    the exception rows (numbers) to show, an empty one last."""

    kind: Kind
    fields: dict[str, str]
    errors: dict[str, str] = field(default_factory=dict)
    rows: list[int] = field(default_factory=list)

    def get(self, name: str) -> str:
        return self.fields.get(name, "")

    def row_field(self, row: int, part: str) -> str:
        return f"{EXCEPTION}-{row}-{part}"

    def add_row(self) -> None:
        self.rows.append(max(self.rows, default=-1) + 1)


# Reading what staff typed ------------------------------------------------------------------


class _Problem(ValueError):
    """What is wrong with one field, in words for staff."""


def _clock(hour: str, minute: str | None) -> time:
    h, m = int(hour), int(minute or 0)
    if h > 23 or m > 59:
        raise _Problem(f"Het uur {h}:{m:02d} bestaat niet. Schrijf het zo: {EXAMPLE_HOURS}.")
    return time(h, m)


def show_time(t: time) -> str:
    return f"{t.hour}:{t.minute:02d}"


def _show_range(start: time, end: time) -> str:
    return f"{show_time(start)}-{show_time(end)}"


def parse_ranges(raw: str) -> list[tuple[time, time]]:
    """Opening hours of one day as typed ("9-12, 13u-16u30"); [] for closed (empty,
    "gesloten"). Sorted; _Problem when a part is unreadable, backwards or overlapping."""
    text = raw.strip().lower()
    if text in _CLOSED_WORDS or not text:
        return []
    ranges = []
    for part in _RANGE_SPLIT.split(text):
        if not part:
            continue
        match = _RANGE.match(part)
        if match is None:
            raise _Problem(f"Ik kan '{part}' niet lezen. Schrijf het zo: {EXAMPLE_HOURS}.")
        start = _clock(match[1], match[2])
        end = _clock(match[3], match[4])
        if end <= start:
            raise _Problem(f"Het uur {_show_range(start, end)} eindigt voor het begint.")
        ranges.append((start, end))
    ranges.sort()
    for first, second in pairwise(ranges):
        if second[0] < first[1]:
            raise _Problem(f"De uren {_show_range(*first)} en {_show_range(*second)} overlappen.")
    return ranges


def _stored_ranges(ranges: list[tuple[time, time]]) -> list[str]:
    return [f"{start:%H:%M}-{end:%H:%M}" for start, end in ranges]


def parse_day(raw: str) -> date:
    """A day as typed (24/12/2026, 24-12-26) or as the date picker sends it (2026-12-24)."""
    text = raw.strip()
    try:
        return date.fromisoformat(text)
    except ValueError:
        pass
    match = _DMY.match(text)
    if match is not None:
        day, month, year = (int(g) for g in match.groups())
        try:
            return date(year + 2000 if year < 100 else year, month, day)
        except ValueError:
            raise _Problem(f"De datum {text} bestaat niet.") from None
    raise _Problem("Schrijf de datum zo: 24/12/2026.")


def show_day(day: date) -> str:
    return f"{day.day}/{day.month}/{day.year}"


def _text(fields: Mapping[str, str], name: str) -> str:
    return (fields.get(name) or "").strip()


class _Reader:
    """Collects problems per field while the value is built."""

    def __init__(self, fields: Mapping[str, str]) -> None:
        self.fields = fields
        self.errors: dict[str, str] = {}

    def text(self, name: str, required: str | None = None, limit: int = MAX_TEXT) -> str:
        text = _text(self.fields, name)
        if required and not text:
            self.errors[name] = required
        elif len(text) > limit:
            self.errors[name] = f"Dit is te lang. Het mag hoogstens {limit} tekens hebben."
        return text

    def checked(self, today: date) -> str:
        raw = _text(self.fields, CHECKED)
        if not raw:
            self.errors[CHECKED] = "Vul de datum in waarop je dit nagekeken hebt."
            return ""
        try:
            day = parse_day(raw)
        except _Problem as problem:
            self.errors[CHECKED] = str(problem)
            return ""
        if day > today:
            self.errors[CHECKED] = "Die datum ligt in de toekomst. Kies vandaag of vroeger."
        return day.isoformat()


def _source(reader: _Reader, before: Mapping[str, Any]) -> str:
    """The typed source; the stored one when the text shown for it was left as it was."""
    typed = reader.text(
        SOURCE,
        required="Vul de bron in: een website, of 'telefonisch nagevraagd bij …'.",
        limit=MAX_SOURCE,
    )
    stored = str(before.get("source", ""))
    if typed and typed == source_text(stored):
        return stored
    if typed and len(typed) < MIN_SOURCE:
        reader.errors[SOURCE] = "Schrijf de bron wat langer: waar of bij wie je het vond."
    return typed


def _known(kind: Kind, value: Mapping[str, Any]) -> bool:
    if kind is Kind.hours:
        return value.get("weekly") is not None
    return value.get("text") is not None


def read_form(
    kind: Kind, submitted: Mapping[str, str], before: Mapping[str, Any], today: date
) -> tuple[Form, dict[str, Any] | None]:
    """The form as typed, and the fact to store (None when something must be fixed first).

    `before` is the stored fact; `today` the city's date (a check date may not be later).
    """
    fields = {name: str(text) for name, text in submitted.items() if _is_form_field(name)}
    form = Form(kind, fields, rows=_rows_typed(fields))
    reader = _Reader(fields)
    value: dict[str, Any] = dict(before)
    if kind is Kind.hours:
        value.update(_read_hours(reader, form, before))
    elif kind is Kind.urgent:
        number = reader.text(NUMBER, required="Vul het nummer in.", limit=40)
        text = reader.text(TEXT, required="Vul de tekst in die inwoners lezen.")
        if number and text and number not in text and TEXT not in reader.errors:
            reader.errors[TEXT] = f"Zet het nummer {number} ook in de tekst."
        value.update(number=number, text=text)
    else:
        required = "Vul de tekst in." if kind is Kind.note else None
        value["text"] = reader.text(TEXT, required=required) or None
    value["source"] = _source(reader, before)
    value["checked"] = reader.checked(today)
    if (
        SOURCE not in reader.errors
        and _known(kind, value)
        and not _known(kind, before)
        and value["source"] == before.get("source")
    ):
        reader.errors[SOURCE] = "Schrijf waar je dit gevonden hebt: de oude bron had het niet."
    form.errors = reader.errors
    if kind is Kind.hours and (not form.rows or not _row_empty(fields, form.rows[-1])):
        form.add_row()
    return form, (None if reader.errors else value)


def _is_form_field(name: str) -> bool:
    known = {TEXT, NUMBER, SOURCE, CHECKED, HOURS_UNKNOWN, HOLIDAYS, *DAYS}
    return name in known or _ROW_FIELD.match(name) is not None


def _rows_typed(fields: Mapping[str, str]) -> list[int]:
    rows = {int(match[1]) for name in fields if (match := _ROW_FIELD.match(name))}
    return sorted(rows)[:MAX_ROWS]


def _row_empty(fields: Mapping[str, str], row: int) -> bool:
    parts = (FROM, UNTIL, EXCEPTION_HOURS)
    return not any(_text(fields, f"{EXCEPTION}-{row}-{part}") for part in parts)


def _read_hours(reader: _Reader, form: Form, before: Mapping[str, Any]) -> dict[str, Any]:
    """The week, holidays and exceptions. The box "uren nog niet gekend" and the days can
    disagree, because the form starts filled in: what staff changed wins. Hours typed for a
    place nobody knew the hours of make them known, even with the box still ticked; ticking
    the box for known hours makes them unknown, without emptying seven fields first."""
    fields = reader.fields
    typed = any(_text(fields, day).lower() not in _CLOSED_WORDS | {""} for day in DAYS)
    ticked = bool(_text(fields, HOURS_UNKNOWN))
    unknown = ticked and not (before.get("weekly") is None and typed)
    weekly: dict[str, list[str]] = {}
    for day in [] if unknown else DAYS:
        try:
            ranges = parse_ranges(_text(fields, day))
        except _Problem as problem:
            reader.errors[day] = str(problem)
            continue
        if ranges:
            weekly[day] = _stored_ranges(ranges)
    if not unknown and not weekly and not any(day in reader.errors for day in DAYS):
        reader.errors[WEEK] = "Vul de uren in, of kies 'uren nog niet gekend'."
    return {
        "weekly": None if unknown else weekly,
        "closed_on_public_holidays": _text(fields, HOLIDAYS) != HOLIDAYS_OPEN,
        "exceptions": _read_exceptions(reader, form.rows),
    }


def _read_exceptions(reader: _Reader, rows: list[int]) -> dict[str, list[str]]:
    fields = reader.fields
    exceptions: dict[str, list[str]] = {}
    for row in rows:
        names = {part: f"{EXCEPTION}-{row}-{part}" for part in (FROM, UNTIL, EXCEPTION_HOURS)}
        if _text(fields, f"{EXCEPTION}-{row}-{REMOVE}") or _row_empty(fields, row):
            continue
        days = _exception_days(reader, names)
        try:
            ranges = _stored_ranges(parse_ranges(_text(fields, names[EXCEPTION_HOURS])))
        except _Problem as problem:
            reader.errors[names[EXCEPTION_HOURS]] = str(problem)
            continue
        twice = [day for day in days if day.isoformat() in exceptions]
        if twice:
            reader.errors[names[FROM]] = (
                f"Een andere uitzondering gaat ook over {show_day(twice[0])}. "
                "Elke dag mag maar in één uitzondering staan."
            )
            continue
        exceptions.update({day.isoformat(): ranges for day in days})
    return dict(sorted(exceptions.items()))


def _exception_days(reader: _Reader, names: Mapping[str, str]) -> list[date]:
    fields = reader.fields
    first = last = None
    try:
        first = parse_day(_text(fields, names[FROM])) if _text(fields, names[FROM]) else None
        if first is None:
            raise _Problem("Vul de eerste dag in.")
    except _Problem as problem:
        reader.errors[names[FROM]] = str(problem)
    try:
        last = parse_day(_text(fields, names[UNTIL])) if _text(fields, names[UNTIL]) else first
    except _Problem as problem:
        reader.errors[names[UNTIL]] = str(problem)
    if first is None or last is None:
        return []
    if last < first:
        reader.errors[names[UNTIL]] = "De laatste dag ligt voor de eerste dag."
        return []
    if (last - first).days >= MAX_EXCEPTION_DAYS:
        reader.errors[names[UNTIL]] = "Een uitzondering duurt hoogstens een jaar."
        return []
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


# Showing a stored fact ----------------------------------------------------------------------


def show_ranges(stored: list[str]) -> str:
    """Stored ranges ("09:00-12:00") as staff type them: "9:00-12:00, 13:00-16:30"."""
    return ", ".join(_show_range(*r) for r in parse_ranges(", ".join(stored)))


def group_exceptions(exceptions: Mapping[str, list[str]]) -> list[tuple[date, date, list[str]]]:
    """Dated exceptions as staff entered them: runs of days in a row with the same hours."""
    groups: list[tuple[date, date, list[str]]] = []
    for raw, ranges in sorted(exceptions.items()):
        day = date.fromisoformat(raw)
        if groups and groups[-1][1] + timedelta(days=1) == day and groups[-1][2] == ranges:
            groups[-1] = (groups[-1][0], day, ranges)
        else:
            groups.append((day, day, list(ranges)))
    return groups


def form_for(kind: Kind, value: Mapping[str, Any], today: date | None = None) -> Form:
    """The form filled in with the stored fact, and one empty exception row to add one.

    Whoever changes a fact has just checked it: the check date is `today` when given. The
    source of an unknown fact says where it was not found: whoever fills it in writes a new one.
    """
    source = source_text(str(value.get("source", ""))) if _known(kind, value) else ""
    checked = today.isoformat() if today is not None else str(value["checked"])
    fields = {SOURCE: source, CHECKED: checked}
    form = Form(kind, fields)
    if kind is Kind.hours:
        weekly = value.get("weekly")
        if weekly is None:
            fields[HOURS_UNKNOWN] = "ja"
        for day in DAYS:
            fields[day] = show_ranges(weekly.get(day, [])) if weekly else ""
        closed = value.get("closed_on_public_holidays", True)
        fields[HOLIDAYS] = HOLIDAYS_CLOSED if closed else HOLIDAYS_OPEN
        for row, (first, last, ranges) in enumerate(group_exceptions(value.get("exceptions", {}))):
            fields[form.row_field(row, FROM)] = first.isoformat()
            fields[form.row_field(row, UNTIL)] = last.isoformat()
            fields[form.row_field(row, EXCEPTION_HOURS)] = show_ranges(ranges)
            form.rows.append(row)
        form.add_row()
    elif kind is Kind.urgent:
        fields.update({NUMBER: str(value.get("number", "")), TEXT: str(value.get("text", ""))})
    else:
        fields[TEXT] = str(value.get("text") or "")
    return form


def checked_today(value: Mapping[str, Any], today: date) -> dict[str, Any]:
    """The fact as it is, checked today ("Vandaag nagekeken")."""
    return {**value, "checked": today.isoformat()}


def _day_text(raw: Any) -> str:
    try:
        return date.fromisoformat(str(raw)).strftime("%d-%m-%Y")
    except ValueError:
        return str(raw)


def _week_text(weekly: Mapping[str, list[str]] | None) -> str:
    if weekly is None:
        return "nog niet gekend"
    open_days = [f"{day} {show_ranges(weekly[day])}" for day in DAYS if weekly.get(day)]
    if not open_days:
        return "altijd gesloten"
    closed = "" if len(open_days) == len(DAYS) else "; andere dagen gesloten"
    return "; ".join(open_days) + closed


def _exceptions_text(exceptions: Mapping[str, list[str]]) -> str:
    parts = []
    for first, last, ranges in group_exceptions(exceptions):
        days = show_day(first) if first == last else f"{show_day(first)} tot {show_day(last)}"
        parts.append(f"{days} {show_ranges(ranges) if ranges else 'gesloten'}")
    return "; ".join(parts) or "geen"


def describe(kind: Kind, value: Mapping[str, Any] | None) -> dict[str, str]:
    """A stored fact as labelled lines staff read, in the order of its form."""
    if value is None:
        return {}
    lines: dict[str, str] = {}
    if kind is Kind.hours:
        lines["Uren"] = _week_text(value.get("weekly"))
        closed = value.get("closed_on_public_holidays", True)
        lines["Op feestdagen"] = "gesloten" if closed else "open"
        lines["Uitzonderingen"] = _exceptions_text(value.get("exceptions") or {})
    elif kind is Kind.urgent:
        lines["Nummer"] = str(value.get("number", ""))
        lines["Tekst"] = str(value.get("text", ""))
    else:
        lines["Tekst"] = str(value.get("text") or "nog niet gekend")
    lines["Bron"] = source_text(str(value.get("source", "")))
    lines["Nagekeken op"] = _day_text(value.get("checked", ""))
    return lines


def differences(
    kind: Kind, before: Mapping[str, Any] | None, after: Mapping[str, Any] | None
) -> list[tuple[str, str, str]]:
    """What a change did, line by line: (label, before, after) for each line that differs."""
    old, new = describe(kind, before), describe(kind, after)
    return [
        (label, old.get(label, ""), new.get(label, ""))
        for label in dict.fromkeys([*old, *new])
        if old.get(label) != new.get(label)
    ]
