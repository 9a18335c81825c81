"""How requests look to staff: labels, ages and the overdue flag. Pure functions, tested alone."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, tzinfo

from bot import senders
from bot.content.hours import promised_by
from bot.content.models import Hours, ServiceId
from bot.store.repository import OPEN_STATUSES, CallbackRecord
from bot.topics import OTHER_TOPIC

TOPIC_LABELS = {
    ServiceId.dienstencentrum.value: "Dienstencentrum",
    ServiceId.minder_mobielen.value: "Minder Mobielen Centrale",
    ServiceId.menstruatie.value: "Gratis maandverband",
    ServiceId.woonclub.value: "Woonclub",
    OTHER_TOPIC: "Iets anders",
}
# Only these are ever shown: a stored channel is data that may once have come from a caller.
CHANNEL_LABELS = {
    senders.WEB: "web",
    senders.TELEGRAM: "Telegram",
    senders.SMS: "sms",
    senders.OTHER: "anders",
}


def topic_label(topic: str) -> str:
    return TOPIC_LABELS.get(topic, topic)


def channel_name(channel: str | None) -> str:
    """One of senders.CHANNELS, or senders.OTHER for anything else."""
    return channel if channel in senders.CHANNELS else senders.OTHER


def channel_label(channel: str | None) -> str:
    return CHANNEL_LABELS[channel_name(channel)]


def age_text(since: datetime, now: datetime) -> str:
    """'12 min', '5 u', '3 d': short enough for a table column on a tablet."""
    minutes = max(0, int((now - since).total_seconds() // 60))
    if minutes < 60:
        return f"{minutes} min"
    if minutes < 48 * 60:
        return f"{minutes // 60} u"
    return f"{minutes // (24 * 60)} d"


@dataclass(frozen=True)
class Row:
    record: CallbackRecord
    age: str
    # The promised call moment has passed and nobody has reached the resident yet.
    overdue: bool
    promised: datetime


def row(record: CallbackRecord, office_hours: Hours, now: datetime, zone: tzinfo) -> Row:
    created = record.created_at.astimezone(zone)
    promised = promised_by(office_hours, record.preferred_moment, created)
    return Row(
        record,
        age_text(record.created_at, now),
        record.status in OPEN_STATUSES and now > promised,
        promised,
    )
