"""Counts for the statistics page: per day, per topic, per channel, and the time to first call."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta, tzinfo
from statistics import median

from bot.store.repository import CallbackRecord


@dataclass(frozen=True)
class Bar:
    label: str
    value: int


@dataclass(frozen=True)
class Statistics:
    days: int
    total: int
    per_day: list[Bar]
    per_topic: list[Bar]
    per_channel: list[Bar]
    # From the request to the first call attempt (reached or not); None before any call.
    median_first_call: timedelta | None
    called: int


def _bars(records: Iterable[CallbackRecord], key: Callable[[CallbackRecord], str]) -> list[Bar]:
    counts = Counter(key(r) for r in records)
    return [Bar(label, value) for label, value in counts.most_common()]


def compute(
    records: list[CallbackRecord],
    today: date,
    days: int,
    zone: tzinfo,
    topic_label: Callable[[str], str],
    channel_label: Callable[[str], str],
) -> Statistics:
    """Statistics over the `days` days up to `today` (in the city's time zone)."""
    first = today - timedelta(days=days - 1)
    kept = [r for r in records if first <= r.created_at.astimezone(zone).date() <= today]
    per_day = Counter(r.created_at.astimezone(zone).date() for r in kept)
    waits = [r.called_at - r.created_at for r in kept if r.called_at is not None]
    return Statistics(
        days=days,
        total=len(kept),
        per_day=[
            Bar(day.strftime("%d/%m"), per_day[day])
            for day in (first + timedelta(days=n) for n in range(days))
        ],
        per_topic=_bars(kept, lambda r: topic_label(r.topic)),
        per_channel=_bars(kept, lambda r: channel_label(r.channel)),
        median_first_call=timedelta(seconds=median(w.total_seconds() for w in waits))
        if waits
        else None,
        called=len(waits),
    )


def duration_text(value: timedelta) -> str:
    """'45 min', '3 u 20 min', '2 d 4 u'."""
    minutes = int(value.total_seconds() // 60)
    if minutes < 60:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return f"{hours} u {minutes} min" if minutes else f"{hours} u"
    days, hours = divmod(hours, 24)
    return f"{days} d {hours} u" if hours else f"{days} d"
