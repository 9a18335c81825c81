"""The statistics and the CSV export."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

from sanic import Blueprint, Request, response
from sanic.response import HTTPResponse

from bot.dashboard.present import channel_label, day_text, local_time, read_day, topic_label
from bot.dashboard.statistics import compute, duration_text
from bot.dashboard.web import actor, off_loop, render, services, staff_page
from bot.phone import display
from bot.store.repository import CallbackRecord, Status

STATISTICS_DAYS = 30
# A spreadsheet shows these Dutch column names; each cell comes from the function beside it.
Cell = Callable[[CallbackRecord, tzinfo], object]
EXPORT_COLUMNS: tuple[tuple[str, Cell], ...] = (
    ("Nummer", lambda r, zone: r.reference),
    ("Gevraagd op", lambda r, zone: local_time(r.created_at, zone)),
    ("Kanaal", lambda r, zone: channel_label(r.channel)),
    ("Onderwerp", lambda r, zone: topic_label(r.topic)),
    ("Dringend", lambda r, zone: "ja" if r.urgent else "nee"),
    ("Status", lambda r, zone: r.status),
    ("Opnieuw bellen op", lambda r, zone: day_text(r.call_again_on)),
    ("Naam", lambda r, zone: r.name),
    ("Telefoon", lambda r, zone: display(r.phone) if r.phone else None),
    ("Moment", lambda r, zone: r.preferred_moment),
    ("Doorverwezen door", lambda r, zone: r.referral_code),
    ("Wie belt", lambda r, zone: r.assigned_to),
    ("Niet bereikt", lambda r, zone: r.call_attempts),
    ("Eerste belpoging", lambda r, zone: local_time(r.called_at, zone)),
    ("Afgesloten op", lambda r, zone: local_time(r.closed_at, zone)),
)
# Excel reads a CSV file as UTF-8 only when it starts with this byte-order mark.
BOM = "\ufeff"
# A cell starting with one of these is a formula to a spreadsheet program (the full-width
# forms too: some programs fold them to the plain ones).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def csv_cell(value: object) -> str:
    """Text for one cell. Every text cell is guarded, not only what residents typed: a stored
    channel, status or phone number may also have come from a caller once, so none of them can
    start a formula. Such a cell gets a leading apostrophe, which spreadsheets show as text."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat(timespec="minutes")
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def export_csv(records: list[CallbackRecord], zone: tzinfo) -> str:
    """The requests as a CSV file for Excel in Belgium: ";" between cells, a byte-order mark."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(name for name, _ in EXPORT_COLUMNS)
    for record in records:
        writer.writerow(csv_cell(cell(record, zone)) for _, cell in EXPORT_COLUMNS)
    return BOM + out.getvalue()


@dataclass(frozen=True)
class ExportChoice:
    """The export form: requests made from `first` to `last` (days in the city, both included;
    None: no limit), with `status` when given."""

    first: date | None = None
    last: date | None = None
    status: str | None = None

    def bounds(self, zone: tzinfo) -> tuple[datetime | None, datetime | None]:
        """From the start of `first` until the start of the day after `last`."""

        def start(day: date | None) -> datetime | None:
            return None if day is None else datetime.combine(day, time(0, 0), tzinfo=zone)

        return start(self.first), start(self.last + timedelta(days=1) if self.last else None)

    def description(self, count: int) -> str:
        """For the audit: how many, and which."""
        parts = [
            f"van {day_text(self.first)}" if self.first else "",
            f"tot {day_text(self.last)}" if self.last else "",
            f"status {self.status}" if self.status else "",
        ]
        chosen = ", ".join(p for p in parts if p)
        return f"{count} verzoek{'en' if count != 1 else ''}" + (f" ({chosen})" if chosen else "")


class ExportFormError(ValueError):
    """A field of the export form that cannot be read; the message is for staff."""


def export_choice(form: Mapping[str, str | None]) -> ExportChoice:
    """The export form read strictly: empty fields mean no limit; anything else must be a day
    or a known status."""
    days = []
    for field, what in (("van", "De eerste dag"), ("tot", "De laatste dag")):
        raw = (form.get(field) or "").strip()
        day = read_day(raw) if raw else None
        if raw and day is None:
            raise ExportFormError(f"{what} is geen datum. Schrijf bijvoorbeeld 24-11-2026.")
        days.append(day)
    first, last = days
    if first and last and first > last:
        raise ExportFormError("De eerste dag komt na de laatste dag.")
    status = (form.get("status") or "").strip() or None
    if status is not None and status not in {s.value for s in Status}:
        raise ExportFormError("Kies een status uit de lijst.")
    return ExportChoice(first, last, status)


def statistics_blueprint() -> Blueprint:
    bp = Blueprint("statistics")

    @bp.get("/statistiek")
    @staff_page()
    async def statistics(request: Request) -> HTTPResponse:
        found = services(request)
        now = found.clock()
        zone = found.settings.timezone
        records = await off_loop(found.requests.since, now - timedelta(days=STATISTICS_DAYS + 1))
        stats = compute(
            records,
            now.astimezone(zone).date(),
            STATISTICS_DAYS,
            zone,
            topic_label,
            channel_label,
        )
        median = stats.median_first_call
        return render(
            request,
            "statistics.html",
            stats=stats,
            median=None if median is None else duration_text(median),
        )

    return bp


def export_blueprint() -> Blueprint:
    bp = Blueprint("export")

    def form_page(request: Request, status: int = 200, error: str | None = None) -> HTTPResponse:
        return render(
            request,
            "export.html",
            status,
            statuses=[s.value for s in Status],
            form={name: request.form.get(name) or "" for name in ("van", "tot", "status")}
            if request.method == "POST"
            else {"van": "", "tot": "", "status": ""},
            error=error,
        )

    @bp.get("/export")
    @staff_page(admin=True)
    async def warning(request: Request) -> HTTPResponse:
        return form_page(request)

    @bp.post("/export")
    @staff_page(admin=True)
    async def export(request: Request) -> HTTPResponse:
        found = services(request)
        now = found.clock()
        zone = found.settings.timezone
        try:
            choice = export_choice(
                {name: request.form.get(name) for name in ("van", "tot", "status")}
            )
        except ExportFormError as exc:
            return form_page(request, 400, str(exc))
        start, end = choice.bounds(zone)
        records = await off_loop(found.requests.created_between, start, end, choice.status)
        await off_loop(
            found.requests.record_event,
            actor(request),
            "export",
            now,
            choice.description(len(records)),
        )
        return response.text(
            export_csv(records, zone),
            content_type="text/csv; charset=utf-8",
            headers={
                "Content-Disposition": (
                    f'attachment; filename="terugbelverzoeken-{now.astimezone(zone):%Y-%m-%d}.csv"'
                )
            },
        )

    return bp
