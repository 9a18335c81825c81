"""The JSON API under /api/: list, detail and status change, for a staff member's token.

Described in openapi.yaml beside this file, which the tests check against real responses.
"""

from __future__ import annotations

from datetime import date, datetime
from functools import wraps
from pathlib import Path
from typing import Any

from sanic import Blueprint, Request, response
from sanic.response import HTTPResponse

from bot import senders
from bot.dashboard.present import channel_name
from bot.dashboard.web import (
    MAX_PAGE,
    Handler,
    known_reference,
    off_loop,
    query_number,
    query_text,
    services,
)
from bot.store.repository import (
    AuditEntry,
    CallbackRecord,
    Filters,
    NeedsDate,
    Note,
    RequestDetail,
    Status,
    UnknownRequest,
)
from bot.store.sessions import Session

OPENAPI = Path(__file__).with_name("openapi.yaml")
MAX_LIMIT = 200
MAX_OFFSET = MAX_PAGE * MAX_LIMIT
NO_SUCH_REQUEST = "No such request."


def problem(status: int, message: str) -> HTTPResponse:
    return response.json({"error": message}, status=status)


def _time(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def request_json(record: CallbackRecord) -> dict[str, Any]:
    return {
        "reference": record.reference,
        "created_at": _time(record.created_at),
        "channel": channel_name(record.channel),
        "topic": record.topic,
        "status": record.status,
        "name": record.name,
        "phone": record.phone,
        "preferred_moment": record.preferred_moment,
        "referral_code": record.referral_code,
        "assigned_to": record.assigned_to,
        "call_attempts": record.call_attempts,
        "called_at": _time(record.called_at),
        "closed_at": _time(record.closed_at),
    }


def _entry_json(entry: Note | AuditEntry) -> dict[str, Any]:
    return {key: _time(v) if isinstance(v, datetime) else v for key, v in entry.__dict__.items()}


def detail_json(detail: RequestDetail) -> dict[str, Any]:
    return {
        **request_json(detail.record),
        "excerpt": detail.record.excerpt,
        "notes": [_entry_json(n) for n in detail.notes],
        "audit": [_entry_json(a) for a in detail.audit],
    }


def token_required(handler: Handler) -> Handler:
    """`Authorization: Bearer TOKEN` of an enabled staff account; no cookies, so no CSRF."""

    @wraps(handler)
    async def checked(request: Request, *args: Any, **kwargs: Any) -> HTTPResponse:
        scheme, _, token = (request.headers.get("authorization") or "").partition(" ")
        session = None
        if scheme.lower() == "bearer" and token:
            found = services(request)
            session = await off_loop(found.tokens.find, token.strip(), found.clock())
        if session is None:
            page = problem(401, "A valid API token is needed.")
            page.headers["WWW-Authenticate"] = 'Bearer realm="hulpbot"'
            return page
        return await handler(request, session, *args, **kwargs)

    return checked


def blueprint() -> Blueprint:
    bp = Blueprint("api", url_prefix="/api")

    @bp.get("/openapi.yaml")
    async def specification(request: Request) -> HTTPResponse:
        return await response.file(OPENAPI, mime_type="application/yaml")

    @bp.get("/requests")
    @token_required
    async def list_requests(request: Request, session: Session) -> HTTPResponse:
        limit = query_number(request, "limit", 50, 1, MAX_LIMIT)
        offset = query_number(request, "offset", 0, 0, MAX_OFFSET)
        status = request.args.get("status")
        channel = request.args.get("channel")
        topic = query_text(request, "topic")
        if limit is None or offset is None:
            return problem(400, f"limit must be 1 to {MAX_LIMIT}; offset 0 to {MAX_OFFSET}.")
        if status is not None and status not in {s.value for s in Status}:
            return problem(400, "Unknown status.")
        if channel is not None and channel not in senders.CHANNELS:
            return problem(400, f"channel must be one of {', '.join(senders.CHANNELS)}.")
        if topic is None and request.args.get("topic") is not None:
            return problem(400, "topic must be short printable text.")
        filters = Filters(status, channel, topic)
        page = await off_loop(services(request).requests.page, filters, limit, offset)
        return response.json(
            {"total": page.total, "items": [request_json(r) for r in page.records]}
        )

    @bp.get("/requests/<reference:str>")
    @token_required
    async def get_request(request: Request, session: Session, reference: str) -> HTTPResponse:
        if not known_reference(reference):
            return problem(404, NO_SUCH_REQUEST)
        detail = await off_loop(services(request).requests.detail, reference)
        if detail is None:
            return problem(404, NO_SUCH_REQUEST)
        return response.json(detail_json(detail))

    @bp.post("/requests/<reference:str>/status")
    @token_required
    async def change_status(request: Request, session: Session, reference: str) -> HTTPResponse:
        found = services(request)
        if not known_reference(reference):
            return problem(404, NO_SUCH_REQUEST)
        body = request.json if request.content_type.startswith("application/json") else None
        try:
            status = Status(body["status"] if isinstance(body, dict) else None)
        except (ValueError, KeyError):
            return problem(400, 'Send JSON like {"status": "gebeld"}.')
        again = body.get("call_again_on") if isinstance(body, dict) else None
        try:
            day = date.fromisoformat(again) if isinstance(again, str) else None
            await off_loop(
                found.requests.set_status, reference, status, session.staff_name, found.clock(), day
            )
        except UnknownRequest:
            return problem(404, NO_SUCH_REQUEST)
        except (NeedsDate, ValueError):
            return problem(400, 'Status "opnieuw bellen" needs call_again_on: "YYYY-MM-DD".')
        detail = await off_loop(found.requests.detail, reference)
        assert detail is not None
        return response.json(detail_json(detail))

    return bp
