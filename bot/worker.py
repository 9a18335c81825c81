"""The background worker started by `make run`: announces new requests, purges old data daily.

It must outlive a database that is down, locked or read-only for a while: under honcho one
process that exits stops all the others, residents included. A failed round is logged in one
line and tried again after a pause that grows up to a few minutes.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError

from bot.backoff import Backoff
from bot.notify import Notifier, deliver_due, notifiers_from
from bot.settings import Settings
from bot.store.db import make_engine, migrate
from bot.store.repository import CallbackRepository
from bot.store.retention import purge_personal_data

log = logging.getLogger(__name__)
PURGE_EVERY = timedelta(days=1)
LONGEST_PAUSE = 300.0


@dataclass(frozen=True)
class Pace:
    """Seconds between rounds, and after failed rounds: `first_retry`, doubled each time."""

    interval: float
    first_retry: float
    longest_retry: float = LONGEST_PAUSE

    @classmethod
    def of(cls, settings: Settings) -> Pace:
        return cls(settings.worker_interval, max(settings.worker_interval, 1))

    def after_failures(self, failures: int) -> float:
        retry = Backoff(
            0, timedelta(seconds=self.first_retry), 2, timedelta(seconds=self.longest_retry)
        )
        return retry.delay(failures).total_seconds()


def describe(exc: Exception) -> str:
    """What went wrong, without personal data: the kind of error and, from the database
    driver, its first line ("unable to open database file"), never the statement's values."""
    if isinstance(exc, DBAPIError):
        first_line = (str(exc.orig).splitlines() or [""])[0][:200]
        return f"{type(exc).__name__}: {first_line}"
    return type(exc).__name__


class Worker:
    def __init__(self, settings: Settings, notifiers: list[Notifier]) -> None:
        self._settings = settings
        self._notifiers = notifiers
        self._engine: Engine | None = None
        self._last_purge: datetime | None = None

    async def _connected(self) -> Engine:
        """The engine, made and migrated by the first round that can (the database, or even
        the directory it lives in, may not be there yet when the worker starts)."""
        if self._engine is None:
            engine = make_engine(self._settings.database_url)
            try:
                await asyncio.to_thread(migrate, engine)
            except BaseException:
                engine.dispose()
                raise
            self._engine = engine
        return self._engine

    async def round(self) -> None:
        engine = await self._connected()
        now = self._settings.now()
        delivered = await deliver_due(CallbackRepository(engine), self._notifiers, now)
        if delivered:
            log.info("Announced %d new request(s)", delivered)
        if self._last_purge is None or now - self._last_purge >= PURGE_EVERY:
            purged = await asyncio.to_thread(purge_personal_data, engine, self._settings, now)
            log.info(
                "Daily purge: personal data removed from %d closed request(s); %d conversation "
                "event(s) and %d SMS number(s) deleted",
                purged.requests,
                purged.conversation_events,
                purged.sms_numbers,
            )
            self._last_purge = now


async def run_worker(settings: Settings, *, once: bool = False, pace: Pace | None = None) -> bool:
    """Work until stopped. With `once`, one round: True when it worked."""
    pace = pace or Pace.of(settings)
    notifiers = notifiers_from(settings)
    if not notifiers:
        log.info(
            "No notifier configured (HULPBOT_SMTP_HOST/TO or HULPBOT_NOTIFY_WEBHOOK_URL): "
            "new requests wait in the outbox and show in the dashboard"
        )
    worker = Worker(settings, notifiers)
    failures = 0
    while True:
        try:
            await worker.round()
        except Exception as exc:  # any failure: the next round tries again
            if once:
                log.error("Worker round failed (%s)", describe(exc))
                return False
            failures += 1
            pause = pace.after_failures(failures)
            log.error("Worker round failed (%s); next try in %g s", describe(exc), pause)
        else:
            if failures:
                log.info("Worker works again after %d failed round(s)", failures)
            failures, pause = 0, pace.interval
            if once:
                return True
        await asyncio.sleep(pause)
