"""The action server on its own: a changed fact is served at once, without retraining."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from bot.content.editing import set_fact
from bot.content.live import POLL_SECONDS
from bot.servers import action_server, free_port
from bot.store.content import ContentRepository, Edit
from bot.store.db import make_engine
from bot.store.tables import callback_request
from tests.e2e.conftest import ARTIFACTS, environment, post_json
from tests.helpers import content_copy

pytestmark = pytest.mark.e2e
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=timezone.utc)


def tracker(text: str, intent: str, sender_id: str = "web:reload-test") -> dict[str, Any]:
    """A tracker as Rasa sends it, built in code."""
    parse = {"text": text, "intent": {"name": intent, "confidence": 1.0}, "entities": []}
    return {
        "sender_id": sender_id,
        "slots": {},
        "latest_message": parse,
        "latest_event_time": 0,
        "followup_action": None,
        "paused": False,
        "events": [
            {"event": "action", "name": "action_listen"},
            {"event": "user", "text": text, "parse_data": parse},
        ],
        "latest_input_channel": "web",
        "active_loop": {},
        "latest_action": {"action_name": "action_listen"},
        "latest_action_name": "action_listen",
    }


def ask_phone(url: str) -> list[str]:
    """The first line of each reply: the fact itself, without its age note."""
    body = {
        "next_action": "action_answer_service",
        "sender_id": "reload-test",
        "tracker": tracker("telefoonnummer van de woonclub", "ask_woonclub"),
        "domain": {},
        "version": "3.6.2",
    }
    result = post_json(f"{url}/webhook", body)
    return [r["text"].split("\n")[0] for r in result["responses"]]


def test_changed_fact_is_served_without_restart(tmp_path: Path) -> None:
    """Staff change a fact in the database (as the dashboard does); a running action server
    answers with it within seconds, and a stored document it cannot read does not break it."""
    database = tmp_path / "hulpbot.db"
    env = environment(content_copy(tmp_path / "content"), database)
    with action_server(free_port(), ARTIFACTS / "action-server-reload.log", env) as server:
        assert ask_phone(server.url)[0] == "Het nummer van de Woonclub is 0468 01 38 29."
        content = ContentRepository(make_engine(f"sqlite:///{database}"))
        content.save("woonclub", set_fact("woonclub", "phone/text", "015 11 22 33"), "an", NOW)
        assert eventually(
            lambda: ask_phone(server.url)[0] == "Het nummer van de Woonclub is 015 11 22 33."
        )

        def broken(current: dict[str, Any] | None) -> Edit:
            return Edit("", current, {"id": "woonclub"}, {"id": "woonclub"})

        content.save("woonclub", broken, "an", NOW)
        time.sleep(POLL_SECONDS + 0.5)
        assert ask_phone(server.url)[0] == "Het nummer van de Woonclub is 015 11 22 33."


def eventually(check: Callable[[], bool], seconds: float = 2 * POLL_SECONDS + 1) -> bool:
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.2)
    return True


def submit_body(key: str) -> dict[str, Any]:
    """What Rasa sends when the form is done: the same body again when it retries."""
    state = tracker("ja", "affirm")
    state["sender_id"] = "retry-test"
    state["slots"] = {
        "callback_outcome": "confirmed",
        "callback_key": key,
        "callback_phone": "+32470123456",
        "callback_name": "An",
        "callback_moment": "namiddag",
        "callback_topic": "woonclub",
        "callback_excerpt": "ik zoek een huis",
    }
    return {
        "next_action": "action_submit_callback",
        "sender_id": "retry-test",
        "tracker": state,
        "domain": {},
        "version": "3.6.2",
    }


def test_a_retried_submission_stores_one_request(tmp_path: Path) -> None:
    database = tmp_path / "hulpbot.db"
    env = environment(content_copy(tmp_path / "content"), database)
    with action_server(free_port(), ARTIFACTS / "action-server-retry.log", env) as server:
        first = post_json(f"{server.url}/webhook", submit_body("rest:retry-test:abc"))
        again = post_json(f"{server.url}/webhook", submit_body("rest:retry-test:abc"))
    said = [[r["text"] for r in result["responses"]] for result in (first, again)]
    assert said[0][0].startswith("Gelukt! Je code is MB-")
    assert said[0] == said[1]  # the same reference, not a second request
    engine = make_engine(f"sqlite:///{database}")
    with engine.connect() as connection:
        rows = connection.execute(select(callback_request.c.reference)).scalars().all()
    assert len(rows) == 1 and said[0][0].endswith(f"{rows[0]}.")


def test_a_failed_write_never_says_gelukt(tmp_path: Path) -> None:
    # A database path that cannot exist: every write fails.
    env = environment(content_copy(tmp_path / "content"), Path("/proc/hulpbot/hulpbot.db"))
    with action_server(free_port(), ARTIFACTS / "action-server-fail.log", env) as server:
        result = post_json(f"{server.url}/webhook", submit_body("rest:retry-test:def"))
    said = [r["text"] for r in result["responses"]]
    assert not any("Gelukt" in text for text in said)
    assert said[0] == "Sorry, het is niet gelukt om je vraag te bewaren."
    assert "0800 20 800" in said[-1]


def run_action(url: str, name: str, state: dict[str, Any]) -> dict[str, Any]:
    body = {
        "next_action": name,
        "sender_id": state["sender_id"],
        "tracker": state,
        "domain": {},
        "version": "3.6.2",
    }
    result: dict[str, Any] = post_json(f"{url}/webhook", body)
    return result


def test_a_number_the_sms_channel_knows_is_only_confirmed(tmp_path: Path) -> None:
    env = environment(content_copy(tmp_path / "content"), tmp_path / "hulpbot.db")
    state = tracker("bel mij terug", "request_callback", "sms:0123abcd")
    user_event = state["events"][-1]
    user_event.update(input_channel="sms", metadata={"phone": "+32470123456"})
    with action_server(free_port(), ARTIFACTS / "action-server-sms.log", env) as server:
        started = run_action(server.url, "action_start_callback", state)
        slots = {e["name"]: e["value"] for e in started["events"] if e["event"] == "slot"}
        assert slots["callback_known_phone"] == "+32470123456"
        state["slots"] = slots
        asked = run_action(server.url, "action_ask_callback_phone", state)
        assert asked["responses"][0]["text"] == "Mogen we je bellen op 0470 12 34 56?"
        # The channel comes from the conversation id our channels make, not from the event.
        state["sender_id"] = "web:0123abcd"
        started = run_action(server.url, "action_start_callback", state)
        slots = {e["name"]: e["value"] for e in started["events"] if e["event"] == "slot"}
        assert slots["callback_known_phone"] is None
