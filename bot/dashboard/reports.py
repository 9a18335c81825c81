"""The statistics and the CSV export."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta, timezone

from sanic import Blueprint, Request, response
from sanic.response import HTTPResponse

from bot.dashboard.present import channel_label, channel_name, topic_label
from bot.dashboard.statistics import compute, duration_text
from bot.dashboard.web import actor, off_loop, render, services, staff_page
from bot.store.repository import CallbackRecord

STATISTICS_DAYS = 30
EXPORT_COLUMNS = (
    "reference",
    "created_at",
    "channel",
    "topic",
    "status",
    "name",
    "phone",
    "preferred_moment",
    "referral_code",
    "assigned_to",
    "call_attempts",
    "called_at",
    "closed_at",
)
# A cell starting with one of these is a formula to a spreadsheet program (the full-width
# forms too: some programs fold them to the plain ones).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")
EPOCH = datetime(2000, 1, 1, tzinfo=timezone.utc)


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


def export_csv(records: list[CallbackRecord]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(EXPORT_COLUMNS)
    for record in records:
        shown = {**vars(record), "channel": channel_name(record.channel)}
        writer.writerow(csv_cell(shown[column]) for column in EXPORT_COLUMNS)
    return out.getvalue()


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

    @bp.get("/export")
    @staff_page(admin=True)
    async def warning(request: Request) -> HTTPResponse:
        return render(request, "export.html")

    @bp.post("/export")
    @staff_page(admin=True)
    async def export(request: Request) -> HTTPResponse:
        found = services(request)
        now = found.clock()
        records = await off_loop(found.requests.since, EPOCH)
        await off_loop(
            found.requests.record_event,
            actor(request),
            "export",
            now,
            f"{len(records)} verzoeken",
        )
        return response.text(
            export_csv(records),
            content_type="text/csv; charset=utf-8",
            headers={
                "Content-Disposition": (
                    f'attachment; filename="terugbelverzoeken-{now:%Y-%m-%d}.csv"'
                )
            },
        )

    return bp
