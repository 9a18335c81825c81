"""`bot forget` removes a real conversation from Rasa's SQL tracker store."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from bot.store.conversations import forget_conversation
from bot.store.db import make_engine
from tests.e2e.conftest import Assistant

pytestmark = pytest.mark.e2e


def events_of(url: str, sender: str) -> int:
    engine = make_engine(url)
    with engine.connect() as connection:
        count = connection.execute(
            text("SELECT count(*) FROM events WHERE sender_id = :s"), {"s": sender}
        ).scalar_one()
    engine.dispose()
    return int(count)


def test_forget_a_conversation(assistant: Assistant) -> None:
    url = f"sqlite:///{assistant.tracker_db}"
    leaving, staying = assistant.resident(), assistant.resident()
    leaving.say("woonclub")
    staying.say("maandverband")
    assert events_of(url, leaving.sender) > 0
    assert forget_conversation(url, leaving.sender) > 0
    assert events_of(url, leaving.sender) == 0
    assert events_of(url, staying.sender) > 0
