"""Tell staff that a new call-back request is waiting.

The request is already committed when this runs: the worker reads the outbox
and retries with growing pauses, so a mail server that is down delays the
announcement but never loses or blocks a request. The message holds no phone
number, name or words of the resident; staff read those after logging in to the
dashboard. A request that followed urgent help says "dringend" first, in the
subject too, so it stands out in a full mailbox.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from typing import Protocol

import aiohttp
import aiosmtplib

from bot.backoff import Backoff
from bot.dashboard.present import channel_label, channel_name, topic_label
from bot.settings import Settings
from bot.store.repository import CallbackRecord, CallbackRepository

log = logging.getLogger(__name__)

# 30 s, 1 min, 2 min, … up to an hour between tries.
RETRY = Backoff(0, timedelta(seconds=30), 2, timedelta(hours=1))
TIMEOUT_SECONDS = 15


class Notifier(Protocol):
    async def send(self, record: CallbackRecord) -> None: ...


URGENT_LINE = "Dringend: deze inwoner kreeg eerst de nummers voor dringende hulp. Bel snel.\n"


def subject(record: CallbackRecord) -> str:
    urgent = "DRINGEND: " if record.urgent else ""
    return f"{urgent}Nieuwe terugbelvraag {record.reference}"


def body(record: CallbackRecord) -> str:
    return (
        (URGENT_LINE if record.urgent else "")
        + f"Er is een nieuwe terugbelvraag: {record.reference}.\n"
        f"Onderwerp: {topic_label(record.topic)}.\n"
        f"Moment: {record.preferred_moment}.\n"
        f"Via: {channel_label(record.channel)}.\n"
        "Het nummer en de naam staan in het dashboard.\n"
    )


@dataclass(frozen=True)
class SmtpNotifier:
    host: str
    port: int
    sender: str
    recipients: tuple[str, ...]
    username: str | None = None
    password: str | None = None
    starttls: bool = False

    async def send(self, record: CallbackRecord) -> None:
        message = EmailMessage()
        message["From"] = self.sender
        message["To"] = ", ".join(self.recipients)
        message["Subject"] = subject(record)
        message.set_content(body(record))
        await aiosmtplib.send(
            message,
            hostname=self.host,
            port=self.port,
            username=self.username,
            password=self.password,
            start_tls=self.starttls,
            timeout=TIMEOUT_SECONDS,
        )


@dataclass(frozen=True)
class WebhookNotifier:
    url: str

    async def send(self, record: CallbackRecord) -> None:
        payload = {
            "reference": record.reference,
            "urgent": record.urgent,
            "topic": record.topic,
            "preferred_moment": record.preferred_moment,
            "channel": channel_name(record.channel),
            "created_at": record.created_at.isoformat(),
            "text": body(record),
        }
        timeout = aiohttp.ClientTimeout(total=TIMEOUT_SECONDS)
        async with (
            aiohttp.ClientSession(timeout=timeout) as session,
            session.post(self.url, json=payload) as response,
        ):
            response.raise_for_status()


def notifiers_from(settings: Settings) -> list[Notifier]:
    found: list[Notifier] = []
    if settings.smtp_host and settings.smtp_to:
        found.append(
            SmtpNotifier(
                settings.smtp_host,
                settings.smtp_port,
                settings.smtp_from,
                settings.smtp_to,
                settings.smtp_username,
                settings.smtp_password,
                settings.smtp_starttls,
            )
        )
    if settings.notify_webhook_url:
        found.append(WebhookNotifier(settings.notify_webhook_url))
    return found


def retry_delay(attempts: int) -> timedelta:
    """The wait after the failed try that makes `attempts + 1`."""
    return RETRY.delay(attempts + 1)


async def deliver_due(
    repository: CallbackRepository, notifiers: Sequence[Notifier], now: datetime
) -> int:
    """Send what is due; returns how many were delivered."""
    if not notifiers:
        return 0
    delivered = 0
    for item in await asyncio.to_thread(repository.due_notifications, now):
        try:
            for notifier in notifiers:
                await notifier.send(item.record)
        except Exception as exc:  # any failure: keep it in the outbox and try again later
            log.warning(
                "Notification for %s failed (%s); retrying later", item.record.reference, exc
            )
            retry_at = now + retry_delay(item.attempts)
            await asyncio.to_thread(
                repository.notification_failed, item.outbox_id, str(exc), retry_at
            )
        else:
            await asyncio.to_thread(repository.notification_sent, item.outbox_id, now)
            delivered += 1
    return delivered
