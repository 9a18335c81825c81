"""A dashboard on a fresh database per test, served over real HTTP, and a visitor that keeps
cookies like a browser.

The dashboard runs in a thread of the test process (tests.helpers.serving), so a test can
move its clock and look into its database while talking to it over a socket.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import httpx
import pytest
from argon2 import PasswordHasher
from sanic import Sanic
from sqlalchemy.engine import Engine

from bot import senders
from bot.dashboard.app import create_app
from bot.dashboard.auth import LoginPolicy, Passwords
from bot.settings import Settings
from bot.store.db import make_engine, migrate
from bot.store.repository import CallbackRepository, NewCallback
from bot.store.staff import Role, StaffRepository
from tests.helpers import serving

NOW = datetime(2026, 11, 24, 9, 0, tzinfo=timezone.utc)
PASSWORD = "een lang wachtwoord"
FAST = Passwords(PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
CSRF = re.compile(r'name="csrf" value="([^"]+)"')


@dataclass
class Clock:
    """Time that a test moves on by hand."""

    now: datetime = NOW

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@dataclass
class Dashboard:
    url: str
    clock: Clock
    requests: CallbackRepository
    staff: StaffRepository
    settings: Settings
    engine: Engine
    app: Sanic

    def visitor(self, address: str | None = None) -> Visitor:
        return Visitor(self.url, address=address)


@dataclass
class Visitor:
    """One browser: sends back the cookies it was given, and the CSRF token of the last page.

    `address`: another loopback address (127.0.0.2 …) to connect from, so the dashboard sees
    a different client, as it would for staff on another network.
    """

    url: str
    cookies: dict[str, str] = field(default_factory=dict)
    csrf: str | None = None
    address: str | None = None

    def request(
        self, method: str, path: str, headers: dict[str, str] | None = None, **kwargs: Any
    ) -> httpx.Response:
        cookie = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        transport = httpx.HTTPTransport(local_address=self.address) if self.address else None
        with httpx.Client(transport=transport, follow_redirects=False) as client:
            response = client.request(
                method,
                self.url + path,
                headers={**({"Cookie": cookie} if cookie else {}), **(headers or {})},
                **kwargs,
            )
        for header in response.headers.get_list("set-cookie"):
            name, _, rest = header.partition("=")
            value = rest.split(";", 1)[0]
            if "max-age=0" in header.lower():
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = value
        found = CSRF.search(response.text)
        if found:
            self.csrf = found.group(1)
        return response

    def get(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.request("get", path, **kwargs)

    def post(self, path: str, data: dict[str, str] | None = None, **kwargs: Any) -> httpx.Response:
        """A form post carrying the CSRF token from the last page, as the real form does."""
        form = {"csrf": self.csrf or "", **(data or {})}
        return self.request("post", path, data=form, **kwargs)

    def log_in(self, name: str, password: str = PASSWORD, **kwargs: Any) -> httpx.Response:
        self.get("/inloggen")
        return self.post("/inloggen", {"naam": name, "wachtwoord": password}, **kwargs)


@contextmanager
def make_dashboard(
    tmp_path: Path,
    *,
    passwords: Passwords = FAST,
    login_policy: LoginPolicy | None = None,
    **settings: Any,
) -> Iterator[Dashboard]:
    base = Settings.from_env({})
    configured = replace(
        base,
        database_url=f"sqlite:///{tmp_path / 'hulpbot.db'}",
        tracker_db_url=f"sqlite:///{tmp_path / 'tracker.db'}",
        **settings,
    )
    engine = make_engine(configured.database_url)
    migrate(engine)
    staff = StaffRepository(engine)
    staff.add("anna", Role.admin, passwords.hash(PASSWORD), NOW)
    staff.add("bram", Role.staff, passwords.hash(PASSWORD), NOW)
    clock = Clock()
    app = create_app(
        configured,
        clock=clock,
        passwords=passwords,
        login_policy=login_policy,
        name=f"dash_{tmp_path.name}",
    )
    try:
        with serving(app) as url:
            yield Dashboard(url, clock, CallbackRepository(engine), staff, configured, engine, app)
    finally:
        engine.dispose()


@pytest.fixture
def dashboard(tmp_path: Path) -> Iterator[Dashboard]:
    with make_dashboard(tmp_path) as running:
        yield running


def new_request(key: str = "k1", name: str | None = "Maria", **fields: Any) -> NewCallback:
    values: dict[str, Any] = {
        "submission_key": key,
        "channel": senders.WEB,
        "sender_id": f"web:sender-{key}",
        "phone": "+32470123456",
        "name": name,
        "preferred_moment": "voormiddag",
        "topic": "woonclub",
        "excerpt": "ik zoek een huis",
        **fields,
    }
    return NewCallback(**values)
