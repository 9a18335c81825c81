"""The menu action and the form's slot names, against the real domain and catalogue."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from ruamel.yaml import YAML

from actions import deps
from actions.callback import DETAIL_SLOTS, FORM_SLOTS, STATE_SLOTS
from actions.menu import ActionMenu
from bot import callback as cb
from bot.settings import PROJECT_ROOT
from tests.helpers import content_copy


@pytest.fixture
def content(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The actions read this copy of the catalogue (their shared objects are made afresh)."""
    copy = content_copy(tmp_path / "content")
    monkeypatch.setenv("HULPBOT_CONTENT_DIR", str(copy))
    deps.settings.cache_clear()
    deps.catalogue_store.cache_clear()
    yield copy
    deps.settings.cache_clear()
    deps.catalogue_store.cache_clear()


def domain() -> Any:
    return yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text(encoding="utf-8"))


def run_menu() -> list[dict[str, Any]]:
    dispatcher = CollectingDispatcher()
    tracker = Tracker("web:test", {}, {}, [], False, None, None, "action_listen")
    assert asyncio.run(ActionMenu().run(dispatcher, tracker, {})) == []
    messages: list[dict[str, Any]] = dispatcher.messages
    return messages


def test_menu_follows_a_label_changed_while_running(content: Path) -> None:
    [message] = run_menu()
    assert message["text"] == "Waarover gaat je vraag? Kies hieronder of typ je vraag."
    assert message["buttons"][1] == {
        "title": "Vervoer (Minder Mobielen Centrale)",
        "payload": "/ask_minder_mobielen",
    }
    assert message["buttons"][-1] == {"title": "Bel mij terug", "payload": "/request_callback"}

    path = content / "minder_mobielen.yml"
    rt = YAML(typ="rt")
    data = rt.load(path.read_text(encoding="utf-8"))
    data["label"] = "Een rit met de auto"
    with path.open("w", encoding="utf-8") as out:
        rt.dump(data, out)
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
