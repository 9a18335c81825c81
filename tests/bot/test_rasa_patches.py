"""The compiled action-response check accepts and refuses exactly what Rasa's own check does."""

from __future__ import annotations

from typing import Any

import pytest
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction

from bot.rasa_patches import _validate_action_results_with_one_validator

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
