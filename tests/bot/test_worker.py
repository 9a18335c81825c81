"""The worker outlives a database that is away for a while: a real SQLite file, a real webhook."""

from __future__ import annotations

import asyncio
import logging
import os
import re
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web

from bot.servers import free_port
from bot.settings import Settings
from bot.store.db import make_engine, migrate
from bot.store.repository import CallbackRepository, NewCallback, Status
from bot.worker import Pace, run_worker

NOW = datetime(2026, 11, 24, 9, 0, tzinfo=timezone.utc)
PACE = Pace(interval=0.05, first_retry=0.05, longest_retry=0.4)


def seeded(path: Path) -> tuple[str, str]:
    """A database with a new request to announce and one closed long ago; their references."""
    engine = make_engine(f"sqlite:///{path}")
    migrate(engine)
    repository = CallbackRepository(engine)

    def new(key: str) -> NewCallback:
        return NewCallback(key, "web", f"web:{key}", "+32470123456", "Fatima", "x", "woonclub", "")

    fresh = repository.save(new("fresh"), NOW - timedelta(minutes=1)).record.reference
    old = repository.save(new("old"), NOW - timedelta(days=60)).record.reference
    repository.set_status(old, Status.afgesloten, "bram", NOW - timedelta(days=40))
    engine.dispose()
    return fresh, old


def failures(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.getMessage().startswith("Worker round failed")]


def recoveries(caplog: pytest.LogCaptureFixture) -> int:
    return sum(r.getMessage().startswith("Worker works again") for r in caplog.records)


async def until(condition: Callable[[], Any], what: str) -> None:
    for _ in range(1000):
        if condition():
            return
        await asyncio.sleep(0.02)
    raise AssertionError(f"waited 20 s for {what}")


def test_worker_waits_for_the_database_and_survives_losing_it(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="bot")
    home = tmp_path / "data"
    database = home / "hulpbot.db"
    database.mkdir(parents=True)  # a directory where the file should be: SQLite cannot open it
    ready = tmp_path / "ready.db"
    fresh, old = seeded(ready)
    received: list[dict[str, Any]] = []

    async def webhook(request: web.Request) -> web.Response:
        received.append(await request.json())
        return web.Response(text="ok")

    async def scenario() -> None:
        app = web.Application()
        app.router.add_post("/", webhook)
        runner = web.AppRunner(app)
        await runner.setup()
        port = free_port()
        await web.TCPSite(runner, "127.0.0.1", port).start()
        settings = Settings.from_env(
            {
                "HULPBOT_DATABASE_URL": f"sqlite:///{database}",
                "HULPBOT_TRACKER_DB_URL": f"sqlite:///{tmp_path / 'tracker.db'}",
                "HULPBOT_NOTIFY_WEBHOOK_URL": f"http://127.0.0.1:{port}/",
                "HULPBOT_CLOCK": NOW.isoformat(),
            }
        )
        worker = asyncio.create_task(run_worker(settings, pace=PACE))
        try:
            await until(lambda: len(failures(caplog)) >= 6, "six failed rounds")
            database.rmdir()
            os.replace(ready, database)  # the database appears
            await until(lambda: recoveries(caplog) == 1, "the first recovery")
            # It goes away while the worker runs (its whole directory), and comes back.
            failed_before = len(failures(caplog))
            home.rename(tmp_path / "away")
            await until(lambda: len(failures(caplog)) >= failed_before + 2, "failures again")
            (tmp_path / "away").rename(home)
            await until(lambda: recoveries(caplog) == 2, "the second recovery")
            assert not worker.done()
        finally:
            worker.cancel()
            await runner.cleanup()

    asyncio.run(scenario())
    assert fresh in [item["reference"] for item in received]
    repository = CallbackRepository(make_engine(f"sqlite:///{database}"))
    purged = repository.get(old)
    assert purged is not None and purged.phone is None  # the daily purge ran once it could
    pauses = [
        float(re.findall(r"next try in ([\d.]+) s", r.getMessage())[0]) for r in failures(caplog)
    ]
    assert pauses[:5] == [0.05, 0.1, 0.2, 0.4, 0.4]  # growing, capped
    for record in failures(caplog):
        message = record.getMessage()
        assert "unable to open database file" in message
        assert "\n" not in message and record.exc_text is None
