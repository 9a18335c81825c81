"""What every dashboard area shares: the services, the login check, CSRF, rendering, headers."""

from __future__ import annotations

import asyncio
import hmac
import re
import secrets
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import wraps
from typing import Any, TypeVar
from urllib.parse import quote

from jinja2 import Environment
from sanic import Request, response
from sanic.response import BaseHTTPResponse, HTTPResponse
from sqlalchemy.engine import Engine

from bot.content.live import LiveCatalogue
from bot.content.loader import Catalogue
from bot.content.review import review, todo
from bot.dashboard.auth import Logins, Passwords
from bot.dashboard.present import late_from
from bot.settings import Settings
from bot.store.content import ContentRepository
from bot.store.repository import REFERENCE_ALPHABET, REFERENCE_PREFIX, CallbackRepository
from bot.store.sessions import ApiTokenRepository, Session, SessionRepository
from bot.store.staff import Role, StaffRepository

SESSION_COOKIE = "hulpbot_sessie"
LOGIN_COOKIE = "hulpbot_login"
# Page numbers and offsets above this are refused: nobody pages that far.
MAX_PAGE = 100_000
# Filter text longer than this cannot be a topic.
MAX_FILTER_TEXT = 100
REFERENCE = re.compile(rf"{REFERENCE_PREFIX}-[{REFERENCE_ALPHABET}]{{4}}")
T = TypeVar("T")
Handler = Callable[..., Coroutine[Any, Any, HTTPResponse]]

# No inline script or style anywhere, no outside origin, never framed.
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
        "frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}


@dataclass(frozen=True)
class Services:
    settings: Settings
    clock: Callable[[], datetime]
    requests: CallbackRepository
    staff: StaffRepository
    sessions: SessionRepository
    tokens: ApiTokenRepository
    passwords: Passwords
    logins: Logins
    catalogue: LiveCatalogue
    content: ContentRepository
    tracker: Engine
    templates: Environment

    @property
    def idle(self) -> timedelta:
        return timedelta(minutes=self.settings.dashboard_idle_minutes)

    async def badges(self) -> Badges:
        """What is waiting: open and overdue requests, facts to fill in or re-check. Runs for
        every page, so all of it happens in one trip to a thread."""
        catalogue = await self.catalogue.current()
        return await off_loop(self._badges, catalogue, self.clock())

    def _badges(self, catalogue: Catalogue, now: datetime) -> Badges:
        summary = self.requests.open_summary()
        hours, zone = catalogue.general.contact.hours, self.settings.timezone
        cutoffs = {
            moment: late_from(hours, moment, oldest, now, zone)
            for moment, oldest in summary.oldest.items()
        }
        late = self.requests.count_late(cutoffs, now.astimezone(zone).date())
        facts = review(catalogue, now.date(), self.settings.staleness_days)
        return Badges(summary.total, late, todo(facts).count)


def services(request: Request) -> Services:
    found: Services = request.app.ctx.services
    return found


async def off_loop(function: Callable[..., T], *args: Any) -> T:
    """Database work and password hashing run in a thread, never on the event loop."""
    return await asyncio.to_thread(function, *args)


def client_address(request: Request) -> str:
    """The visitor's address: from X-Forwarded-For as written by our own proxies
    (HULPBOT_PROXIES_COUNT, so a visitor cannot pick one), else the socket's peer."""
    return request.remote_addr or request.ip


def query_number(request: Request, name: str, default: int, low: int, high: int) -> int | None:
    """A whole number from the query string, `default` when absent; None unless it is ASCII
    digits from `low` to `high`, so "²", "-1" or twenty digits never reach int() or the database.
    """
    raw = request.args.get(name)
    if raw is None:
        return default
    if not (raw.isascii() and raw.isdigit()) or len(raw) > len(str(high)):
        return None
    value = int(raw)
    return value if low <= value <= high else None


def query_text(request: Request, name: str) -> str | None:
    """Short printable text from the query string; None when absent or anything else."""
    raw = request.args.get(name)
    return raw if raw and len(raw) <= MAX_FILTER_TEXT and raw.isprintable() else None


def known_reference(reference: str) -> bool:
    return REFERENCE.fullmatch(reference) is not None


def session_of(request: Request) -> Session | None:
    found: Session | None = request.ctx.session
    return found


def actor(request: Request) -> str:
    """Who is acting: the logged-in staff member (only behind `staff_page`)."""
    session = session_of(request)
    if session is None:
        raise RuntimeError("actor() needs a page behind staff_page")
    return session.staff_name


async def load_session(request: Request) -> None:
    """Request middleware: who is logged in (None when nobody, or the session ran out)."""
    request.ctx.session = None
    request.ctx.session_expired = False
    token = request.cookies.get(SESSION_COOKIE)
    if token and not request.path.startswith(("/static/", "/api/")):
        found = services(request)
        request.ctx.session = await off_loop(found.sessions.find, token, found.clock(), found.idle)
        request.ctx.session_expired = request.ctx.session is None


async def add_security_headers(request: Request, resp: BaseHTTPResponse) -> None:
    """Response middleware: on every page, error pages and the API included."""
    for name, value in SECURITY_HEADERS.items():
        resp.headers.setdefault(name, value)
    # Pages show personal data: no copies in shared or browser caches.
    if not request.path.startswith("/static/"):
        resp.headers.setdefault("Cache-Control", "no-store")


def set_cookie(
    request: Request, resp: HTTPResponse, name: str, value: str, *, clear: bool = False
) -> None:
    """Our cookies are never readable by script, never sent from another site."""
    resp.cookies[name] = value
    cookie = resp.cookies[name]
    cookie["httponly"] = True
    cookie["samesite"] = "Strict"
    cookie["path"] = "/"
    cookie["secure"] = services(request).settings.dashboard_secure_cookies
    if clear:
        cookie["max-age"] = 0


def clear_cookie(request: Request, resp: HTTPResponse, name: str) -> None:
    set_cookie(request, resp, name, "", clear=True)


@dataclass(frozen=True)
class Badges:
    """The counts next to the menu and in the page title: what is waiting for staff."""

    # Requests not yet handled, and those past the promised call moment.
    open: int = 0
    overdue: int = 0
    # Facts nobody knows yet plus facts past their review date.
    content_todo: int = 0


async def load_badges(request: Request) -> None:
    """Request middleware (after the session): the menu counts, for logged-in staff only."""
    request.ctx.badges = Badges()
    if session_of(request) is not None and request.method == "GET":
        request.ctx.badges = await services(request).badges()


def render(request: Request, template: str, status: int = 200, **context: Any) -> HTTPResponse:
    found = services(request)
    page = found.templates.get_template(template).render(
        session=session_of(request),
        path=request.path,
        now=found.clock(),
        badges=getattr(request.ctx, "badges", Badges()),
        **context,
    )
    return response.html(page, status=status)


def csrf_ok(expected: str, sent: str | None) -> bool:
    return bool(expected) and sent is not None and hmac.compare_digest(expected, sent)


def new_csrf() -> str:
    return secrets.token_urlsafe(32)


def staff_page(admin: bool = False, content: bool = False) -> Callable[[Handler], Handler]:
    """Pages for logged-in staff (`admin=True`: admins only; `content=True`: those who may edit
    the catalogue); every POST must carry the CSRF token.

    A visitor who is not logged in goes to the login page and comes back afterwards.
    """

    def decorate(handler: Handler) -> Handler:
        @wraps(handler)
        async def checked(request: Request, *args: Any, **kwargs: Any) -> HTTPResponse:
            session = session_of(request)
            if session is None:
                back = request.path if request.method == "GET" else "/verzoeken"
                reason = "&verlopen=1" if request.ctx.session_expired else ""
                return response.redirect(f"/inloggen?volgende={quote(back)}{reason}")
            if admin and session.role != Role.admin.value:
                return render(request, "error.html", 403, message="Dit mag alleen een beheerder.")
            if content and not session.can_edit_content:
                return render(
                    request,
                    "error.html",
                    403,
                    message="Je mag de inhoud niet wijzigen. Vraag het aan een beheerder.",
                )
            if request.method == "POST" and not csrf_ok(
                session.csrf_token, request.form.get("csrf")
            ):
                return render(
                    request,
                    "error.html",
                    403,
                    message="Dit formulier is verlopen. Herlaad de pagina en probeer opnieuw.",
                )
            return await handler(request, *args, **kwargs)

        return checked

    return decorate
