"""The menu action and the form's slot names, against the real domain and catalogue."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest
import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import deps
from actions.callback import DETAIL_SLOTS, FORM_SLOTS, STATE_SLOTS
from actions.menu import ActionMenu
from bot import callback as cb
from bot.content.editing import set_fact
from bot.content.live import POLL_SECONDS
from bot.settings import PROJECT_ROOT
from bot.store.content import ContentRepository
from bot.store.db import make_engine
from tests.helpers import content_copy


def clear_shared() -> None:
    for made in (deps.settings, deps.engine, deps.catalogue_store, deps.repository):
        made.cache_clear()


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The actions read a copy of the catalogue through a database of this test's own (their
    shared objects are made afresh)."""
    url = f"sqlite:///{tmp_path / 'hulpbot.db'}"
    monkeypatch.setenv("HULPBOT_CONTENT_DIR", str(content_copy(tmp_path / "content")))
    monkeypatch.setenv("HULPBOT_DATABASE_URL", url)
    clear_shared()
    yield url
    clear_shared()


def domain() -> Any:
    return yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text(encoding="utf-8"))


def run_menu() -> list[dict[str, Any]]:
    dispatcher = CollectingDispatcher()
    tracker = Tracker("web:test", {}, {}, [], False, None, None, "action_listen")
    assert asyncio.run(ActionMenu().run(dispatcher, tracker, {})) == []
    messages: list[dict[str, Any]] = dispatcher.messages
    return messages


def test_menu_follows_a_label_changed_while_running(database: str) -> None:
    [message] = run_menu()
    assert message["text"] == "Waarover gaat je vraag? Kies hieronder of typ je vraag."
    assert message["buttons"][1] == {
        "title": "Vervoer (Minder Mobielen Centrale)",
        "payload": "/ask_minder_mobielen",
    }
    assert message["buttons"][-1] == {"title": "Bel mij terug", "payload": "/request_callback"}

    now = datetime.now(timezone.utc)
    label = set_fact("minder_mobielen", "label", "Een rit met de auto")
    ContentRepository(make_engine(database)).save("minder_mobielen", label, "test", now)
    time.sleep(POLL_SECONDS + 0.1)
    [message] = run_menu()
    assert message["buttons"][1]["title"] == "Een rit met de auto"


def test_the_menu_is_an_action_not_a_response() -> None:
    assert "action_menu" in domain()["actions"]
    assert "utter_menu" not in domain()["responses"]
    for path in ("data/rules.yml", "data/stories.yml"):
        assert "utter_menu" not in (PROJECT_ROOT / path).read_text(encoding="utf-8")


def test_slot_names_of_the_form_are_in_the_domain() -> None:
    slots = domain()["slots"]
    assert set(DETAIL_SLOTS) == set(cb.Detail)
    assert {*FORM_SLOTS, *STATE_SLOTS, *DETAIL_SLOTS.values()} <= set(slots)
    required = domain()["forms"]["callback_form"]["required_slots"]
    assert required == [*FORM_SLOTS, "callback_fix"]
