"""What the pages compute, without a server: ages, the overdue flag, statistics, fact review."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot import senders
from bot.content.hours import Moment
from bot.content.loader import load_catalogue
from bot.content.models import Hours
from bot.content.review import review
from bot.dashboard.present import (
    age_text,
    audit_text,
    can_claim,
    channel_label,
    channel_name,
    late_from,
    payload_label,
    read_day,
    row,
    short_question,
    status_buttons,
    topic_label,
)
from bot.dashboard.reports import (
    BOM,
    ExportChoice,
    ExportFormError,
    csv_cell,
    export_choice,
    export_csv,
)
from bot.dashboard.statistics import compute, duration_text
from bot.store.db import make_engine, migrate
from bot.store.repository import AuditEntry, CallbackRecord, CallbackRepository, NewCallback, Status
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


def test_call_again_is_late_only_after_the_planned_day() -> None:
    again = record(TUESDAY_9, status="opnieuw bellen", call_again_on=date(2026, 11, 26))
    thursday_evening = datetime(2026, 11, 26, 23, 59, tzinfo=BRUSSELS)
    assert not row(again, OFFICE, TUESDAY_9 + timedelta(days=1), BRUSSELS).overdue
    assert not row(again, OFFICE, thursday_evening, BRUSSELS).overdue
    late = row(again, OFFICE, thursday_evening + timedelta(minutes=2), BRUSSELS)
    assert late.overdue and late.late_text == "Te laat: je wou opnieuw bellen op 26-11-2026."
    plain = row(record(TUESDAY_9), OFFICE, TUESDAY_9 + timedelta(days=1), BRUSSELS)
    assert plain.late_text == "Te laat: we beloofden te bellen vóór 24-11-2026 12:00."


def test_a_row_shows_the_number_to_read_aloud_and_dial() -> None:
    shown = row(record(TUESDAY_9, phone="+3221234567"), OFFICE, TUESDAY_9, BRUSSELS)
    assert (shown.phone, shown.dial) == ("02 123 45 67", "tel:+3221234567")
    purged = row(record(TUESDAY_9, phone=None), OFFICE, TUESDAY_9, BRUSSELS)
    assert (purged.phone, purged.dial) == ("", "")


@pytest.mark.parametrize(
    ("excerpt", "shown"),
    [
        (None, ""),
        ("hoe laat is den abeel open", "hoe laat is den abeel open"),
        ("bel mij op 0470 12 34 56 aub", "bel mij op [telefoonnummer] aub"),
        ("hallo | wanneer is de woonclub", "hallo · wanneer is de woonclub"),
        ("  veel\n  witruimte  ", "veel witruimte"),
        (
            "ik heb geen auto en mijn been is geopereerd, kan iemand mij naar het ziekenhuis "
            "brengen volgende week",
            "ik heb geen auto en mijn been is geopereerd, kan iemand mij naar het…",
        ),
        ("x" * 100, "x" * 79 + "…"),
    ],
)
def test_short_question(excerpt: str | None, shown: str) -> None:
    assert short_question(excerpt) == shown
    assert len(short_question(excerpt)) <= 80


@pytest.mark.parametrize(
    ("payload", "label"),
    [
        ("/request_callback", "Bel mij terug"),
        ("/greet", "Start"),
        ("/ask_minder_mobielen", "Minder Mobielen Centrale"),
        ('/ask_dienstencentrum{"location": "den_abeel"}', "Dienstencentrum"),
        ("/ask_iets", "een knop"),
        ("/nlu_fallback", "een knop"),
    ],
)
def test_payloads_get_dutch_words(payload: str, label: str) -> None:
    assert payload_label(payload) == label


@pytest.mark.parametrize(
    ("action", "detail", "channel", "text"),
    [
        ("aangemaakt", "via rest", "rest", "Verzoek gemaakt via anders"),
        ("aangemaakt", "via sms, dringend", "sms", "Verzoek gemaakt via SMS, dringend"),
        ("ik bel", None, "web", "Ik bel"),
        ("ik bel", "overgenomen van bram", "web", "Ik bel (overgenomen van bram)"),
        ("status gewijzigd", "nieuw → gebeld", "web", "Status: nieuw → gebeld"),
        ("moment gewijzigd", "namiddag", "web", "Inwoner koos een ander moment: namiddag"),
        ("notitie toegevoegd", None, "web", "Notitie toegevoegd"),
        ("persoonsgegevens gewist", None, "web", "Persoonsgegevens gewist"),
    ],
)
def test_the_log_in_staff_words(action: str, detail: str | None, channel: str, text: str) -> None:
    entry = AuditEntry(TUESDAY_9, "hulpbot", action, detail)
    assert audit_text(entry, record(TUESDAY_9, channel=channel)) == text


def test_ik_bel_and_the_status_buttons_follow_the_status() -> None:
    new = record(TUESDAY_9)
    mine = record(TUESDAY_9, status="in behandeling", assigned_to="bram")
    called = record(TUESDAY_9, status="gebeld", assigned_to="bram")
    assert can_claim(new, "bram") and can_claim(mine, "anna") and not can_claim(mine, "bram")
    assert not can_claim(called, "anna") and not can_claim(
        record(TUESDAY_9, status="afgesloten"), "anna"
    )
    again = record(TUESDAY_9, status="opnieuw bellen", assigned_to="bram")
    assert can_claim(again, "bram")  # calling now, on the planned day
    assert [s for s, _ in status_buttons(new)] == [
        Status.gebeld,
        Status.niet_bereikbaar,
        Status.afgesloten,
    ]
    assert [label for _, label in status_buttons(called)] == ["Opnieuw openen", "Afsluiten"]
    assert [label for _, label in status_buttons(record(TUESDAY_9, status="afgesloten"))] == [
        "Opnieuw openen"
    ]


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("2026-11-28", date(2026, 11, 28)),
        ("28-11-2026", date(2026, 11, 28)),
        (" 28/11/2026 ", date(2026, 11, 28)),
        ("31-02-2026", None),
        ("morgen", None),
        ("", None),
        (None, None),
    ],
)
def test_read_day(text: str | None, day: date | None) -> None:
    assert read_day(text) == day


def test_export_choice_reads_the_form_strictly() -> None:
    assert export_choice({}) == ExportChoice()
    chosen = export_choice({"van": "2026-11-01", "tot": "30/11/2026", "status": "gebeld"})
    assert chosen == ExportChoice(date(2026, 11, 1), date(2026, 11, 30), "gebeld")
    start, end = chosen.bounds(BRUSSELS)
    assert start == datetime(2026, 10, 31, 23, 0, tzinfo=timezone.utc)
    assert end == datetime(2026, 11, 30, 23, 0, tzinfo=timezone.utc)
    assert ExportChoice().bounds(BRUSSELS) == (None, None)
    assert chosen.description(2) == "2 verzoeken (van 01-11-2026, tot 30-11-2026, status gebeld)"
    assert ExportChoice().description(1) == "1 verzoek"
    for bad in ({"van": "1/1"}, {"van": "2026-11-02", "tot": "2026-11-01"}, {"status": "x"}):
        with pytest.raises(ExportFormError):
            export_choice(bad)


def test_export_csv_in_dutch_with_local_times_and_a_byte_order_mark() -> None:
    late = (TUESDAY_9 + timedelta(hours=2)).astimezone(timezone.utc)
    text = export_csv(
        [
            record(
                TUESDAY_9,
                name="Léa",
                channel="telegram",
                urgent=True,
                status="opnieuw bellen",
                call_again_on=date(2026, 11, 27),
                called_at=late,
            )
        ],
        BRUSSELS,
    )
    assert text.startswith(BOM)
    header, line = text.removeprefix(BOM).splitlines()
    assert header.split(";")[:3] == ["Nummer", "Gevraagd op", "Kanaal"]
    assert line == (
        "MB-AAAA;24-11-2026 09:00;Telegram;Woonclub;ja;opnieuw bellen;27-11-2026;Léa;"
        "0470 12 34 56;voormiddag;;;0;24-11-2026 11:00;"
    )


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
        ("sms", "SMS"),
        ("rest", "anders"),
        ("=HYPERLINK(1)", "anders"),
        ("", "anders"),
    ],
)
def test_only_known_channels_are_shown(stored: str, shown: str) -> None:
    assert channel_label(stored) == shown
    assert channel_name(stored) in (*senders.CHANNELS, senders.OTHER)


@pytest.mark.parametrize("known", [True, False], ids=["office hours known", "unknown"])
def test_the_late_count_in_the_menu_is_the_count_of_late_rows(tmp_path: Path, known: bool) -> None:
    """The menu counts late requests in the database from one cutoff per moment; it must
    agree with the inbox's own flag, row by row, at every moment of a fortnight."""
    hours = Hours.parse_obj(
        TEST_HOURS if known else {"weekly": None, "source": "x-test", "checked": "2026-11-01"}
    )
    engine = make_engine(f"sqlite:///{tmp_path / 'hulpbot.db'}")
    migrate(engine)
    repository = CallbackRepository(engine)
    start = datetime(2026, 11, 16, 7, 13, tzinfo=timezone.utc)
    statuses = [Status.nieuw, Status.in_behandeling, Status.niet_bereikbaar, Status.gebeld]
    for i in range(60):
        made = start + timedelta(hours=5 * i + i % 7, minutes=17 * i % 60)
        new = NewCallback(
            f"k{i}", "web", f"s{i}", "+32470123456", None, list(Moment)[i % 3].value, "woonclub", ""
        )
        reference = repository.save(new, made).record.reference
        if i % 5 == 4:
            again = made.date() + timedelta(days=i % 3)
            repository.set_status(reference, Status.opnieuw_bellen, "bram", made, again)
        elif i % 4:
            repository.set_status(reference, statuses[i % 4], "bram", made)
    records = repository.since(start)
    seen = set()
    for step in range(0, 15 * 24, 5):
        now = start + timedelta(hours=step, minutes=step % 60)
        summary = repository.open_summary()
        cutoffs = {
            moment: late_from(hours, moment, oldest, now, BRUSSELS)
            for moment, oldest in summary.oldest.items()
        }
        counted = repository.count_late(cutoffs, now.astimezone(BRUSSELS).date())
        assert counted == sum(row(r, hours, now, BRUSSELS).overdue for r in records), now
        seen.add(counted)
    assert len(seen) > 5, seen  # the fortnight saw few and many late requests
