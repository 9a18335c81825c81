"""The staff dashboard: a Sanic app factory. Nothing is created until `create_app` is called."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from functools import partial
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from sanic import Request, Sanic, response
from sanic.exceptions import SanicException
from sanic.handlers import ErrorHandler
from sanic.response import HTTPResponse
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from bot.content.live import live_catalogue
from bot.dashboard import accounts, api, content, inbox, login, questions, reports
from bot.dashboard.auth import LoginPolicy, Logins, Passwords
from bot.dashboard.present import channel_label, day_text, local_time, topic_label
from bot.dashboard.web import (
    Services,
    add_security_headers,
    load_badges,
    load_session,
    render,
)
from bot.settings import Settings
from bot.store.content import ContentRepository
from bot.store.db import make_engine, migrate
from bot.store.repository import CallbackRepository
from bot.store.sessions import ApiTokenRepository, SessionRepository
from bot.store.staff import LoginThrottleRepository, StaffRepository

HERE = Path(__file__).parent
log = logging.getLogger(__name__)


def templates(settings: Settings) -> Environment:
    env = Environment(
        loader=FileSystemLoader(HERE / "templates"),
        autoescape=select_autoescape(default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        when=partial(local_time, zone=settings.timezone),
        day=day_text,
        topic=topic_label,
        channel=channel_label,
    )
    return env


DATABASE_DOWN = "De databank werkt even niet. Er is niets opgeslagen. Probeer het zo opnieuw."
# PostgreSQL's "read-only SQL transaction" (a standby, or a disk the server made read-only).
READ_ONLY_SQLSTATE = "25006"


def database_down(exception: BaseException) -> bool:
    """The database cannot be reached, or refuses to write: not our bug, and not lasting."""
    if isinstance(exception, (OperationalError, InterfaceError, PoolTimeout)):
        return True
    return isinstance(exception, DBAPIError) and (
        getattr(exception.orig, "pgcode", None) == READ_ONLY_SQLSTATE
    )


class DashboardErrors(ErrorHandler):
    """Errors as a Dutch page (or JSON under /api/), never a stack trace.

    A database that is down or read-only gives 503 with a short explanation, logged as one
    line: its SQL parameters (phone numbers, names) never reach the log.
    """

    def default(self, request: Request, exception: Exception) -> HTTPResponse:
        if database_down(exception):
            reason = exception.orig if isinstance(exception, DBAPIError) else exception
            # The driver's own words (no SQL, no parameters), first line only.
            words = str(reason).strip().splitlines()[:1] or [""]
            log.error(
                "Database unavailable on %s: %s: %s",
                request.path,
                type(reason).__name__,
                words[0][:200],
            )
            if request.path.startswith("/api/"):
                page = api.problem(503, "The database is unavailable; try again in a minute.")
            else:
                page = self._page(request, 503, DATABASE_DOWN)
            page.headers["Retry-After"] = "60"
            return page
        status = exception.status_code if isinstance(exception, SanicException) else 500
        if status >= 500:
            log.exception("Dashboard error on %s", request.path, exc_info=exception)
        message = (
            str(exception)
            if isinstance(exception, SanicException) and status < 500
            else "Er ging iets mis. Probeer het later opnieuw."
        )
        if request.path.startswith("/api/"):
            return api.problem(status, message)
        if status == 404:
            message = "Deze pagina bestaat niet."
            if request.path.startswith("/verzoeken/"):
                message = "Dit verzoek bestaat niet (meer)."
        return self._page(request, status, message)

    @staticmethod
    def _page(request: Request, status: int, message: str) -> HTTPResponse:
        if not hasattr(request.ctx, "session"):
            request.ctx.session = None
        return render(request, "error.html", status, message=message)


def create_app(
    settings: Settings,
    *,
    clock: Callable[[], datetime] | None = None,
    passwords: Passwords | None = None,
    login_policy: LoginPolicy | None = None,
    name: str = "hulpbot_dashboard",
) -> Sanic:
    """The dashboard for `settings`; the database is migrated before the first request.

    `clock`, `passwords` and `login_policy` are for tests: a clock they can move, cheaper
    hashing, other waits after failed logins.
    """
    engine = make_engine(settings.database_url)
    app = Sanic(name, error_handler=DashboardErrors())
    app.config.FALLBACK_ERROR_FORMAT = "html"
    # Behind nginx the visitor's address is the last one our proxy put in X-Forwarded-For.
    app.config.PROXIES_COUNT = settings.proxies_count
    passwords = passwords or Passwords()
    staff = StaffRepository(engine)
    app.ctx.engine = engine
    app.ctx.tracker = make_engine(settings.tracker_db_url)
    app.ctx.services = Services(
        settings=settings,
        clock=clock or settings.now,
        requests=CallbackRepository(engine),
        staff=staff,
        sessions=SessionRepository(engine),
        tokens=ApiTokenRepository(engine),
        passwords=passwords,
        logins=Logins(staff, LoginThrottleRepository(engine), passwords, login_policy),
        catalogue=live_catalogue(settings, lambda: engine),
        content=ContentRepository(engine),
        tracker=app.ctx.tracker,
        templates=templates(settings),
    )

    @app.before_server_start
    async def prepare(app: Sanic, _loop: object) -> None:
        migrate(engine)
        await app.ctx.services.catalogue.current()

    @app.after_server_stop
    async def close(app: Sanic, _loop: object) -> None:
        engine.dispose()
        app.ctx.tracker.dispose()

    app.register_middleware(load_session, "request")
    app.register_middleware(load_badges, "request")
    app.register_middleware(add_security_headers, "response")
    app.static("/static", HERE / "static", name="static")
    for area in (
        login.blueprint(),
        inbox.blueprint(),
        content.blueprint(),
        questions.blueprint(),
        reports.statistics_blueprint(),
        reports.export_blueprint(),
        accounts.blueprint(),
        api.blueprint(),
    ):
        app.blueprint(area)

    @app.get("/gezond")
    async def health(request: Request) -> HTTPResponse:
        return response.text("ok")

    return app
