"""The purge and `bot forget` across both databases: ours and Rasa's tracker store."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import func, insert, select
from sqlalchemy.engine import Engine

from bot.senders import sms_sender
from bot.settings import Settings
from bot.store.db import make_engine
from bot.store.repository import CallbackRepository, NewCallback, Status
from bot.store.retention import forget_resident, identify, purge_personal_data
from bot.store.sms import SmsRepository
from bot.store.tables import audit_event, callback_request, sms_contact, sms_seen, telegram_seen
from tests.bot.store.rasa_store import create_store, say, senders

NOW = datetime(2026, 11, 24, 9, 0, tzinfo=timezone.utc)
KEY = "test-sender-key"
NUMBER = "+32470123456"


@pytest.fixture
def tracker(tracker_url: str) -> Iterator[Engine]:
    engine = make_engine(tracker_url)
    create_store(engine)
    yield engine
    engine.dispose()


def settings_for(engine: Engine, tracker_url: str) -> Settings:
    return Settings.from_env(
        {
            "HULPBOT_DATABASE_URL": engine.url.render_as_string(hide_password=False),
            "HULPBOT_TRACKER_DB_URL": tracker_url,
            "HULPBOT_SENDER_KEY": KEY,
        }
    )


def request(sender: str, phone: str = NUMBER, key: str | None = None) -> NewCallback:
    channel = sender.partition(":")[0]
    return NewCallback(
        key or f"{sender}:1", channel, sender, phone, "Fatima", "voormiddag", "woonclub", "huis"
    )


def closed(repository: CallbackRepository, sender: str, days_ago: int, **kw: str) -> str:
    reference = repository.save(request(sender, **kw), NOW - timedelta(days=days_ago + 1))
    ref = reference.record.reference
    repository.set_status(ref, Status.afgesloten, "bram", NOW - timedelta(days=days_ago))
    return ref


def rows(engine: Engine, table: object, *where: object) -> int:
    with engine.connect() as connection:
        query = select(func.count()).select_from(table).where(*where)
        return int(connection.execute(query).scalar_one())


def test_purge_leaves_no_sender_id_or_resident_actor(
    engine: Engine, tracker: Engine, tracker_url: str
) -> None:
    repository = CallbackRepository(engine)
    saved = repository.save(request("tg:4711"), NOW - timedelta(days=50)).record
    repository.change_moment(saved.reference, "namiddag", "tg:4711", NOW - timedelta(days=50))
    with engine.begin() as connection:  # written by code from before "inwoner"
        connection.execute(
            insert(audit_event).values(
                created_at=NOW - timedelta(days=50),
                request_id=saved.id,
                actor="tg:4711",
                action="moment gewijzigd",
            )
        )
    repository.add_note(saved.reference, "bram", "belt liefst na 14u", NOW - timedelta(days=45))
    repository.set_status(saved.reference, Status.afgesloten, "bram", NOW - timedelta(days=40))
    purged = purge_personal_data(engine, settings_for(engine, tracker_url), NOW)
    assert purged.requests == 1
    with engine.connect() as connection:
        row = connection.execute(select(callback_request)).mappings().one()
        actors = set(connection.execute(select(audit_event.c.actor)).scalars())
    assert (row["sender_id"], row["phone"], row["name"], row["excerpt"]) == ("gewist", *[None] * 3)
    assert "4711" not in row["submission_key"]
    assert actors == {"hulpbot", "inwoner", "bram"}
    detail = repository.detail(saved.reference)
    assert detail is not None and [note.text for note in detail.notes] == [None]


def test_conversations_go_after_the_retention_unless_a_request_needs_them(
    engine: Engine, tracker: Engine, tracker_url: str
) -> None:
    repository = CallbackRepository(engine)
    repository.save(request("web:open"), NOW - timedelta(days=60))
    closed(repository, "web:recently-closed", 5)
    closed(repository, "web:long-closed", 40)
    old, recent = NOW - timedelta(days=31), NOW - timedelta(days=29)
    for sender in ("web:open", "web:recently-closed", "web:silent", "tg:1"):
        say(tracker, sender, old, "ik word thuis geslagen")
    say(tracker, "web:long-closed", recent, "nog een vraag")  # its request is purged: goes too
    say(tracker, "tg:2", old, "hallo")
    say(tracker, "tg:2", recent, "nog iets")  # spoke within the retention
    purged = purge_personal_data(engine, settings_for(engine, tracker_url), NOW)
    assert senders(tracker) == {"web:open", "web:recently-closed", "tg:2"}
    assert purged.conversation_events == 3
    assert purge_personal_data(engine, settings_for(engine, tracker_url), NOW).requests == 0


def test_sms_numbers_unused_are_forgotten_but_opt_outs_stay(
    engine: Engine, tracker: Engine, tracker_url: str
) -> None:
    sms = SmsRepository(engine)
    today = NOW.date()
    sms.allow_message("+32470000001", today - timedelta(days=40), cap=30)
    sms.allow_message("+32470000002", today - timedelta(days=2), cap=30)
    sms.offer_options("+32470000003", [])  # a row that never sent: no day at all
    sms.allow_message("+32470000004", date(2025, 1, 1), cap=30)
    sms.opt_out("+32470000004", NOW - timedelta(days=300))
    with engine.begin() as connection:
        for table in (sms_seen, telegram_seen):
            for age, message_id in ((8, "old"), (1, "new")):
                connection.execute(
                    insert(table).values(
                        message_id=message_id, created_at=NOW - timedelta(days=age)
                    )
                )
    purged = purge_personal_data(engine, settings_for(engine, tracker_url), NOW)
    assert purged.sms_numbers == 2
    assert sorted(sms.numbers()) == ["+32470000002", "+32470000004"]
    assert sms.opted_out("+32470000004")
    for table in (sms_seen, telegram_seen):
        assert rows(engine, table) == 1


@pytest.mark.parametrize("typed", ["0470/12.34.56", "+32 470 12 34 56", "0032470123456"])
def test_forget_a_number_in_any_format(
    engine: Engine, tracker: Engine, tracker_url: str, typed: str
) -> None:
    repository = CallbackRepository(engine)
    sms_id = sms_sender(NUMBER, KEY)
    repository.save(request("web:abc"), NOW)  # typed their number in the web chat
    closed(repository, sms_id, 3)
    repository.save(request("tg:9", "+32471999999"), NOW)
    repository.record_event("web:abc", "iets", NOW)
    SmsRepository(engine).opt_out(NUMBER, NOW)
    for sender in ("web:abc", sms_id, "tg:9", NUMBER):  # the last: an id from before the keys
        say(tracker, sender, NOW, "hallo")
    gone = forget_resident(engine, settings_for(engine, tracker_url), typed)
    assert (gone.requests, gone.conversation_events, gone.sms_numbers) == (2, 3, 1)
    assert senders(tracker) == {"tg:9"}
    assert rows(engine, callback_request) == 1
    assert rows(engine, audit_event, audit_event.c.actor == "web:abc") == 0
    assert rows(engine, sms_contact) == 0


def test_forget_a_keyed_sms_conversation_finds_its_number(
    engine: Engine, tracker: Engine, tracker_url: str
) -> None:
    sms = SmsRepository(engine)
    sms.allow_message(NUMBER, NOW.date(), cap=30)
    sms.allow_message("+32471999999", NOW.date(), cap=30)
    say(tracker, sms_sender(NUMBER, KEY), NOW, "woonclub")
    gone = forget_resident(engine, settings_for(engine, tracker_url), sms_sender(NUMBER, KEY))
    assert (gone.requests, gone.conversation_events, gone.sms_numbers) == (0, 1, 1)
    assert sms.numbers() == ["+32471999999"]


def test_forget_never_matches_the_markers_many_requests_share(
    engine: Engine, tracker: Engine, tracker_url: str
) -> None:
    repository = CallbackRepository(engine)
    closed(repository, "web:a", 40, key="a")
    closed(repository, "web:b", 40, key="b")
    purge_personal_data(engine, settings_for(engine, tracker_url), NOW)
    for marker in ("gewist", "inwoner", "hulpbot"):
        assert forget_resident(engine, settings_for(engine, tracker_url), marker).requests == 0
    assert rows(engine, callback_request) == 2


def test_what_staff_may_type_for_a_resident() -> None:
    assert identify("web:0470123456", KEY) == ({"web:0470123456"}, None)
    assert identify("tg:123456789", KEY) == ({"tg:123456789"}, None)
    assert identify("terminal-1", KEY) == ({"terminal-1"}, None)
    senders_, phone = identify("0470 12 34 56", KEY)
    assert phone == NUMBER
    assert senders_ == {"0470 12 34 56", NUMBER, sms_sender(NUMBER, KEY)}
    assert identify("0470 12 34 56", None) == ({"0470 12 34 56", NUMBER}, NUMBER)
