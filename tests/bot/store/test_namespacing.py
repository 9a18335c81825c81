"""Old conversation ids (before they carried their channel) are renamed once by `bot migrate`."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timezone

from sqlalchemy import select
from sqlalchemy.engine import Engine

from bot.senders import sms_sender
from bot.store.db import make_engine
from bot.store.namespacing import new_id, rename_conversations
from bot.store.repository import CallbackRepository
from bot.store.tables import audit_event
from tests.bot.store.rasa_store import create_store, say, senders
from tests.bot.store.test_repository import request

NOW = datetime(2026, 11, 24, 9, 0, tzinfo=timezone.utc)
KEY = "test-sender-key"


def test_which_old_ids_get_which_new_id() -> None:
    assert new_id("web-3f2a9c1e-77aa", KEY) == "web:3f2a9c1e-77aa"
    assert new_id("746308197", KEY) == "tg:746308197"
    assert new_id("+32470123456", KEY) == sms_sender("+32470123456", KEY)
    assert new_id("+32470123456", None) is None  # no key: left for the purge
    for current_or_unknown in ("web:abc", "tg:1", "sms:00ff", "me", "test-1234", "web-x", ""):
        assert new_id(current_or_unknown, KEY) is None


def test_conversations_and_requests_carry_on_under_their_new_ids(
    engine: Engine, tracker_url: str
) -> None:
    tracker = make_engine(tracker_url)
    create_store(tracker)
    for old in ("web-abcdefgh-1", "746308197", "+32470123456", "someone"):
        say(tracker, old, NOW, "bel mij terug")
    repository = CallbackRepository(engine)
    saved = repository.save(replace(request("sms:1", "+32470123456"), channel="sms"), NOW).record
    repository.change_moment(saved.reference, "namiddag", "+32470123456", NOW)

    assert rename_conversations(engine, tracker, KEY) == 3
    sms = sms_sender("+32470123456", KEY)
    assert senders(tracker) == {"web:abcdefgh-1", "tg:746308197", sms, "someone"}
    assert repository.open_request("sms", sms) is not None
    with engine.connect() as connection:
        actors = set(connection.execute(select(audit_event.c.actor)).scalars())
    assert "+32470123456" not in actors
    assert rename_conversations(engine, tracker, KEY) == 0  # once only
    tracker.dispose()
