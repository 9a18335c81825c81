"""The inbox: the list of call-back requests, one request in detail, and what staff do with it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta

from sanic import Blueprint, Request, response
from sanic.exceptions import InvalidUsage, NotFound
from sanic.response import HTTPResponse

from bot import senders
from bot.dashboard.present import (
    audit_text,
    can_claim,
    day_text,
    payload_label,
    read_day,
    row,
    status_buttons,
)
from bot.dashboard.web import (
    MAX_PAGE,
    actor,
    known_reference,
    off_loop,
    query_number,
    query_text,
    render,
    services,
    staff_page,
)
from bot.store.conversations import transcript
from bot.store.repository import (
    CallbackRepository,
    Filters,
    Status,
    UnknownRequest,
)

PAGE_SIZE = 50
# One change to a request, made by a staff member at a moment.
Change = Callable[[CallbackRepository, str, datetime], None]
MAX_NOTE_LENGTH = 2000
# How far ahead "opnieuw bellen" may be planned.
MAX_DAYS_AHEAD = 366


def filters_of(request: Request) -> Filters:
    """Filters from the query string; unknown statuses and channels are ignored rather than
    failing (the form only offers known ones)."""
    status = request.args.get("status") or None
    channel = request.args.get("kanaal") or None
    return Filters(
        status=status if status in {s.value for s in Status} else None,
        channel=channel if channel in senders.CHANNELS else None,
        topic=query_text(request, "onderwerp"),
    )


def page_number(request: Request) -> int:
    number = query_number(request, "pagina", 1, 1, MAX_PAGE)
    if number is None:
        raise InvalidUsage(f"Een paginanummer is een getal van 1 tot {MAX_PAGE}.")
    return number


def reference_of(reference: str) -> str:
    """Only a reference of our own form reaches the database."""
    if not known_reference(reference):
        raise NotFound("Dit verzoek bestaat niet (meer).")
    return reference


def blueprint() -> Blueprint:
    bp = Blueprint("inbox")

    @bp.get("/")
    async def home(request: Request) -> HTTPResponse:
        return response.redirect("/verzoeken")

    @bp.get("/verzoeken")
    @staff_page()
    async def inbox(request: Request) -> HTTPResponse:
        found = services(request)
        filters = filters_of(request)
        number = page_number(request)
        page = await off_loop(
            lambda: found.requests.page(
                filters, PAGE_SIZE, (number - 1) * PAGE_SIZE, urgent_first=True
            )
        )
        in_use = await off_loop(found.requests.values_in_use)
        catalogue = await found.catalogue.current()
        now = found.clock()
        hours = catalogue.general.contact.hours
        return render(
            request,
            "inbox.html",
            rows=[row(r, hours, now, found.settings.timezone) for r in page.records],
            total=page.total,
            filters=filters,
            page_number=number,
            last_page=max(1, -(-page.total // PAGE_SIZE)),
            statuses=[s.value for s in Status],
            channels=senders.CHANNELS,
            topics=in_use["topic"],
            can_claim=lambda record: can_claim(record, actor(request)),
        )

    async def show(
        request: Request, reference: str, status: int = 200, error: str | None = None
    ) -> HTTPResponse:
        """The request with its conversation, log and buttons; `error` about a form on it."""
        found = services(request)
        shown = await off_loop(found.requests.detail, reference_of(reference))
        if shown is None:
            raise NotFound("Dit verzoek bestaat niet (meer).")
        record = shown.record
        turns = await off_loop(
            lambda: transcript(found.tracker, record.sender_id, describe=payload_label)
        )
        catalogue = await found.catalogue.current()
        now = found.clock()
        today = now.astimezone(found.settings.timezone).date()
        return render(
            request,
            "detail.html",
            status,
            detail=shown,
            row=row(record, catalogue.general.contact.hours, now, found.settings.timezone),
            turns=turns,
            log=[(entry, audit_text(entry, record)) for entry in shown.audit],
            can_claim=can_claim(record, actor(request)),
            buttons=status_buttons(record),
            again_on=day_text(record.call_again_on),
            today=today.isoformat(),
            last_day=(today + timedelta(days=MAX_DAYS_AHEAD)).isoformat(),
            error=error,
            message="Opgeslagen." if request.args.get("bericht") == "opgeslagen" else None,
        )

    @bp.get("/verzoeken/<reference:str>")
    @staff_page()
    async def detail(request: Request, reference: str) -> HTTPResponse:
        return await show(request, reference)

    async def act(request: Request, reference: str, change: Change) -> HTTPResponse:
        """Run one change as the logged-in staff member, then show the request again."""
        reference = reference_of(reference)
        found = services(request)
        try:
            await off_loop(change, found.requests, actor(request), found.clock())
        except UnknownRequest as exc:
            raise NotFound("Dit verzoek bestaat niet (meer).") from exc
        return response.redirect(f"/verzoeken/{reference}?bericht=opgeslagen", status=303)

    @bp.post("/verzoeken/<reference:str>/ik-bel")
    @staff_page()
    async def claim(request: Request, reference: str) -> HTTPResponse:
        return await act(request, reference, lambda s, who, now: s.claim(reference, who, now))

    @bp.post("/verzoeken/<reference:str>/status")
    @staff_page()
    async def set_status(request: Request, reference: str) -> HTTPResponse:
        try:
            status = Status(request.form.get("status"))
        except ValueError:
            return render(request, "error.html", 400, message="Kies een geldige status.")
        again: date | None = None
        if status is Status.opnieuw_bellen:
            found = services(request)
            today = found.clock().astimezone(found.settings.timezone).date()
            again = read_day(request.form.get("datum"))
            if again is None or not today <= again <= today + timedelta(days=MAX_DAYS_AHEAD):
                return await show(
                    request,
                    reference,
                    400,
                    "Kies de dag waarop je opnieuw belt: vandaag of later, binnen een jaar.",
                )

        def change(s: CallbackRepository, who: str, now: datetime) -> None:
            s.set_status(reference, status, who, now, again)

        return await act(request, reference, change)

    @bp.post("/verzoeken/<reference:str>/notitie")
    @staff_page()
    async def add_note(request: Request, reference: str) -> HTTPResponse:
        text = (request.form.get("notitie") or "").strip()
        if not text or len(text) > MAX_NOTE_LENGTH:
            return render(
                request,
                "error.html",
                400,
                message=f"Een notitie heeft 1 tot {MAX_NOTE_LENGTH} tekens.",
            )
        return await act(
            request, reference, lambda s, who, now: s.add_note(reference, who, text, now)
        )

    return bp
