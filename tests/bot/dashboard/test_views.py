"""What the pages compute, without a server: ages, the overdue flag, statistics, fact review."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot import senders
from bot.content.loader import load_catalogue
from bot.content.models import Hours
from bot.content.review import review
from bot.dashboard.present import age_text, channel_label, channel_name, row, topic_label
from bot.dashboard.reports import csv_cell
from bot.dashboard.statistics import compute, duration_text
from bot.store.repository import CallbackRecord
from tests.helpers import CONTENT, TEST_HOURS

BRUSSELS = ZoneInfo("Europe/Brussels")
OFFICE = Hours.parse_obj(TEST_HOURS)
TUESDAY_9 = datetime(2026, 11, 24, 9, 0, tzinfo=BRUSSELS)


def record(created: datetime, **fields: object) -> CallbackRecord:
    values: dict[str, object] = {
        "id": 1,
        "reference": "MB-AAAA",
        "created_at": created.astimezone(timezone.utc),
        "channel": "web",
        "sender_id": "s",
        "phone": "+32470123456",
        "name": None,
        "preferred_moment": "voormiddag",
        "topic": "woonclub",
        "status": "nieuw",
        "closed_at": None,
        **fields,
    }
    return CallbackRecord(**values)  # type: ignore[arg-type]


def test_age_text() -> None:
    assert age_text(TUESDAY_9, TUESDAY_9 + timedelta(minutes=12)) == "12 min"
    assert age_text(TUESDAY_9, TUESDAY_9 + timedelta(hours=5)) == "5 u"
    assert age_text(TUESDAY_9, TUESDAY_9 + timedelta(days=3)) == "3 d"


def test_overdue_only_after_the_promised_half_day_and_only_while_open() -> None:
    morning = record(TUESDAY_9)
    assert not row(morning, OFFICE, TUESDAY_9.replace(hour=11, minute=59), BRUSSELS).overdue
    assert row(morning, OFFICE, TUESDAY_9.replace(hour=12, minute=1), BRUSSELS).overdue
    called = record(TUESDAY_9, status="gebeld")
    assert not row(called, OFFICE, TUESDAY_9 + timedelta(days=3), BRUSSELS).overdue


def test_statistics_per_day_topic_channel_and_median_wait() -> None:
    records = [
        record(TUESDAY_9, called_at=(TUESDAY_9 + timedelta(hours=1)).astimezone(timezone.utc)),
        record(TUESDAY_9, channel="telegram", topic="dienstencentrum"),
        record(
            TUESDAY_9 - timedelta(days=1),
            called_at=(TUESDAY_9 + timedelta(hours=2)).astimezone(timezone.utc),
        ),
        record(TUESDAY_9 - timedelta(days=40)),  # outside the window
    ]
    stats = compute(records, date(2026, 11, 24), 30, BRUSSELS, topic_label, channel_label)
    assert stats.total == 3 and stats.called == 2
    assert [b.value for b in stats.per_day[-2:]] == [1, 2] and len(stats.per_day) == 30
    assert [(b.label, b.value) for b in stats.per_topic] == [
        ("Woonclub", 2),
        ("Dienstencentrum", 1),
    ]
    assert [(b.label, b.value) for b in stats.per_channel] == [("web", 2), ("Telegram", 1)]
    assert stats.median_first_call == timedelta(hours=13, minutes=30)  # 1 h and 26 h


def test_duration_text() -> None:
    assert duration_text(timedelta(minutes=45)) == "45 min"
    assert duration_text(timedelta(hours=3, minutes=20)) == "3 u 20 min"
    assert duration_text(timedelta(days=2, hours=4)) == "2 d 4 u"


def test_review_lists_every_fact_with_its_age_and_flags_old_ones(tmp_path: Path) -> None:
    rows = review(load_catalogue(CONTENT), date(2026, 11, 22), 180)
    assert rows == sorted(rows, key=lambda r: (r.checked, r.place, r.field))
    phone = next(r for r in rows if r.place == "Algemeen › het Huis van de Mechelaar")
    assert phone.stale and phone.age_days > 180
    urgent = [r for r in rows if r.field.startswith("dringende hulp")]
    assert len(urgent) == 4 and not any(r.stale for r in urgent)
    assert any(r.text == "onbekend" and r.field == "openingsuren" for r in rows)


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ("=1+1", "'=1+1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("-2+3", "'-2+3"),
        ("+32470123456", "'+32470123456"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("\n=1", "'\n=1"),
        ("\uff1d1+1", "'\uff1d1+1"),
        ("Maria", "Maria"),
        ("a=b", "a=b"),
        (None, ""),
        (3, "3"),
        (datetime(2026, 11, 24, 9, 0, tzinfo=timezone.utc), "2026-11-24T09:00+00:00"),
    ],
)
def test_csv_cells_never_start_a_formula(value: object, cell: str) -> None:
    assert csv_cell(value) == cell


@pytest.mark.parametrize(
    ("stored", "shown"),
    [
        ("web", "web"),
        ("telegram", "Telegram"),
        ("sms", "sms"),
        ("rest", "anders"),
        ("=HYPERLINK(1)", "anders"),
        ("", "anders"),
    ],
)
def test_only_known_channels_are_shown(stored: str, shown: str) -> None:
    assert channel_label(stored) == shown
    assert channel_name(stored) in (*senders.CHANNELS, senders.OTHER)
