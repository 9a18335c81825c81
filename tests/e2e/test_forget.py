"""`bot forget` removes a real conversation from Rasa's SQL tracker store while Rasa runs."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from bot.store.db import make_engine
from tests.e2e.conftest import Assistant
from tests.helpers import run_cli

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
    env = {
        **assistant.env,
        "HULPBOT_DATABASE_URL": assistant.database_url,
        "HULPBOT_TRACKER_DB_URL": url,
    }
    result = run_cli("forget", leaving.sender, env=env)
    assert result.returncode == 0, result.stderr
    assert "Deleted 0 request(s)" in result.stdout
    assert events_of(url, leaving.sender) == 0
    assert events_of(url, staying.sender) > 0
    assert staying.say("woonclub")  # Rasa goes on with the file rewritten under it
