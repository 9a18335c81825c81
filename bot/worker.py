"""The background worker started by `make run`: announces new requests, purges old data daily."""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timedelta

from bot.notify import deliver_due, notifiers_from
from bot.settings import Settings
from bot.store.db import make_engine, migrate
from bot.store.repository import CallbackRepository
from bot.store.retention import purge_personal_data

log = logging.getLogger(__name__)
PURGE_EVERY = timedelta(days=1)


async def run_worker(settings: Settings, *, once: bool = False) -> None:
    engine = make_engine(settings.database_url)
    await asyncio.to_thread(migrate, engine)
    repository = CallbackRepository(engine)
    notifiers = notifiers_from(settings)
    if not notifiers:
        log.info(
            "No notifier configured (HULPBOT_SMTP_HOST/TO or HULPBOT_NOTIFY_WEBHOOK_URL): "
            "new requests wait in the outbox and show in the dashboard"
        )
    last_purge: datetime | None = None
    while True:
        now = settings.now()
        delivered = await deliver_due(repository, notifiers, now)
        if delivered:
            log.info("Announced %d new request(s)", delivered)
        if last_purge is None or now - last_purge >= PURGE_EVERY:
            purged = await asyncio.to_thread(
                purge_personal_data,
                repository,
                settings.tracker_db_url,
                settings.retention_days,
                now,
            )
            log.info(
                "Daily purge: personal data removed from %d closed request(s), %d conversation "
                "event(s)",
                purged.requests,
                purged.conversation_events,
            )
            last_purge = now
        if once:
            return
        await asyncio.sleep(settings.worker_interval)
