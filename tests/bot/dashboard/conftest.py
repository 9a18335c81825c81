"""A dashboard on a fresh database per test, and a visitor that keeps cookies like a browser."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import httpx
import pytest
from argon2 import PasswordHasher
from sanic import Sanic
from sqlalchemy.engine import Engine

from bot.dashboard.app import create_app
from bot.dashboard.auth import Passwords
from bot.settings import Settings
from bot.store.db import make_engine, migrate
from bot.store.repository import CallbackRepository, NewCallback
from bot.store.staff import Role, StaffRepository

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
    app: Sanic
    clock: Clock
    requests: CallbackRepository
    staff: StaffRepository
    settings: Settings
    engine: Engine

    def visitor(self) -> Visitor:
        return Visitor(self.app)


@dataclass
class Visitor:
    """One browser: sends back the cookies it was given, and the CSRF token of the last page."""

    app: Sanic
    cookies: dict[str, str] = field(default_factory=dict)
    csrf: str | None = None

    def request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        _, response = getattr(self.app.test_client, method)(
            path, cookies=self.cookies, allow_redirects=False, **kwargs
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

    def log_in(self, name: str, password: str = PASSWORD) -> httpx.Response:
        self.get("/inloggen")
        return self.post("/inloggen", {"naam": name, "wachtwoord": password})


def make_dashboard(tmp_path: Path, **settings: Any) -> Dashboard:
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
    staff.add("anna", Role.admin, FAST.hash(PASSWORD), NOW)
    staff.add("bram", Role.staff, FAST.hash(PASSWORD), NOW)
    clock = Clock()
    app = create_app(configured, clock=clock, passwords=FAST, name=f"dash_{tmp_path.name}")
    return Dashboard(app, clock, CallbackRepository(engine), staff, configured, engine)


@pytest.fixture
def dashboard(tmp_path: Path) -> Dashboard:
    return make_dashboard(tmp_path)


def new_request(key: str = "k1", name: str | None = "Maria", **fields: Any) -> NewCallback:
    values: dict[str, Any] = {
        "submission_key": key,
        "channel": "rest",
        "sender_id": f"sender-{key}",
        "phone": "+32470123456",
        "name": name,
        "preferred_moment": "voormiddag",
        "topic": "woonclub",
        "excerpt": "ik zoek een huis",
        **fields,
    }
    return NewCallback(**values)
