"""Our speed-ups of Rasa answer exactly as Rasa's own code: the compiled action-response
check and the table of event classes."""

from __future__ import annotations

from typing import Any

import pytest
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction
from rasa.shared.core.events import (
    ActionExecuted,
    Event,
    SlotSet,
    UserUttered,
    deserialise_events,
)
from rasa.shared.utils.common import all_subclasses

from bot.rasa_patches import (
    _resolve_events_by_a_table,
    _validate_action_results_with_one_validator,
)

VALID: list[Any] = [
    {},
    {"events": [], "responses": []},
    {
        "events": [
            {"event": "slot", "name": "topic", "value": "woonclub", "timestamp": None},
            {"event": "active_loop", "name": None},
            {"event": "followup", "name": "action_listen"},
        ],
        "responses": [{"text": "Dag!", "buttons": [{"title": "Ja", "payload": "ja"}]}],
    },
]
INVALID: list[Any] = [
    [],
    "ok",
    {"events": "slot"},
    {"events": [{"event": "no_such_event"}]},
    {"events": [{"event": "slot"}]},
    {"events": [{"name": "topic"}]},
    {"responses": [1, "two"]},
]


def refusal(check: Any, result: Any) -> str:
    action = RemoteAction("action_any", None)
    with pytest.raises(ValidationError) as refused:
        check(action, result)
    return str(refused.value)


def test_the_compiled_check_agrees_with_rasas_own(monkeypatch: pytest.MonkeyPatch) -> None:
    rasas_own = RemoteAction._validate_action_result
    monkeypatch.setattr(RemoteAction, "_validate_action_result", rasas_own)
    _validate_action_results_with_one_validator()
    compiled = RemoteAction._validate_action_result
    assert compiled is not rasas_own
    action = RemoteAction("action_any", None)
    for result in VALID:
        assert rasas_own(action, result) is True
        assert compiled(action, result) is True
    for result in INVALID:
        assert refusal(compiled, result) == refusal(rasas_own, result)
        assert "Failed to validate Action server response" in refusal(compiled, result)


def test_events_resolve_to_the_same_classes_as_in_rasa(monkeypatch: pytest.MonkeyPatch) -> None:
    rasas_own = Event.resolve_by_type
    monkeypatch.setattr(Event, "resolve_by_type", staticmethod(rasas_own))
    _resolve_events_by_a_table()
    names = {cls.type_name for cls in all_subclasses(Event)}
    assert len(names) > 20
    for name in names:
        assert Event.resolve_by_type(name) is rasas_own(name)
    assert Event.resolve_by_type("topic") is None
    assert Event.resolve_by_type("no_such_event", UserUttered) is UserUttered
    with pytest.raises(ValueError, match="Unknown event name 'no_such_event'"):
        Event.resolve_by_type("no_such_event")
    events = [UserUttered("hallo"), SlotSet("topic", "woonclub"), ActionExecuted("action_listen")]
    assert [type(e) for e in deserialise_events([e.as_dict() for e in events])] == [
        UserUttered,
        SlotSet,
        ActionExecuted,
    ]
