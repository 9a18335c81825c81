"""Our speed-ups of Rasa answer exactly as Rasa's own code: the compiled action-response
check, the table of event classes and the graph runner; and that the SQLite store still
keeps conversations in write-ahead mode."""

from __future__ import annotations

import asyncio
import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction
from rasa.core.tracker_store import SQLTrackerStore
from rasa.engine.exceptions import GraphComponentException, GraphRunError
from rasa.engine.graph import ExecutionContext, GraphComponent, GraphSchema, SchemaNode
from rasa.engine.runner.dask import DaskGraphRunner
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    Event,
    SlotSet,
    UserUttered,
    deserialise_events,
)
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.utils.common import all_subclasses

from bot.rasa_patches import (
    SequentialGraphRunner,
    _resolve_events_by_a_table,
    _sqlite_conversations_in_wal_mode,
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
    {"events": [1]},
    {"events": [{"event": 5}]},
    {"events": [{"event": "user", "text": 5}]},
    {"events": [{"event": "action", "confidence": "high"}]},
    {"events": [{"event": "slot", "name": "topic", "value": 1}, {"event": "slot", "name": 3}]},
    {"events": [{"event": "bot", "timestamp": "gisteren"}]},
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


def test_every_kind_of_event_gets_the_same_verdict_as_from_rasa(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rasas_own = RemoteAction._validate_action_result
    monkeypatch.setattr(RemoteAction, "_validate_action_result", rasas_own)
    _validate_action_results_with_one_validator()
    compiled = RemoteAction._validate_action_result
    action = RemoteAction("action_any", None)
    schema = RemoteAction.action_response_format_spec()
    kinds = [
        a["properties"]["event"]["const"] for a in schema["properties"]["events"]["items"]["oneOf"]
    ]
    assert len(kinds) > 20
    shapes: list[dict[str, Any]] = [{}, {"name": 3}, {"text": 1}, {"name": "x", "value": None}]
    for kind in kinds:
        for shape in shapes:
            result = {"events": [{"event": kind, **shape}]}
            try:
                rasas_own(action, result)
            except ValidationError:
                assert refusal(compiled, result) == refusal(rasas_own, result), result
            else:
                assert compiled(action, result) is True, result


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


class Step(GraphComponent):
    """A node that records its inputs, so a run shows what each node was given."""

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> Step:
        return cls()

    def step(self, **given: Any) -> str:
        if given.get("first") == "boom":
            raise RuntimeError("boom")
        return "(" + " ".join(f"{k}={v}" for k, v in sorted(given.items())) + ")"


def node(needs: dict[str, str], target: bool = False) -> SchemaNode:
    return SchemaNode(needs, Step, "create", "step", {}, eager=True, is_target=target)


# Two targets sharing a node, an input placeholder, and a node no target needs.
SCHEMA = GraphSchema(
    {
        "read": node({"first": "__message__"}),
        "left": node({"first": "read"}),
        "right": node({"first": "read", "second": "__tracker__"}),
        "both": node({"first": "left", "second": "right"}, target=True),
        "alone": node({"first": "__message__"}, target=True),
        "unused": node({"first": "read"}),
    }
)


def runners(tmp_path: Path) -> tuple[DaskGraphRunner, SequentialGraphRunner]:
    storage = LocalModelStorage(tmp_path)
    context = ExecutionContext(SCHEMA, "test")
    return (
        DaskGraphRunner(SCHEMA, storage, context),
        SequentialGraphRunner(SCHEMA, storage, context),
    )


def test_the_sequential_runner_gives_what_dask_gives(tmp_path: Path) -> None:
    dask, sequential = runners(tmp_path)
    runs: list[tuple[dict[str, Any], list[str] | None]] = [
        ({"__message__": "hallo", "__tracker__": "t1"}, ["both"]),
        ({"__message__": "hallo", "__tracker__": "t1"}, None),
        ({"__message__": "dag"}, ["alone"]),
        ({"__message__": "read"}, ["alone"]),
        ({"__message__": "dag", "__tracker__": "t2", "read": "given"}, ["both", "alone"]),
    ]
    for inputs, targets in runs:
        assert sequential.run(inputs, targets) == dask.run(inputs, targets)
    assert sequential.run({"__message__": "hallo", "__tracker__": "t1"}, ["both"]) == {
        "both": "(first=(first=(first=hallo)) second=(first=(first=hallo) second=t1))"
    }


def test_the_sequential_runner_fails_as_dask_fails(tmp_path: Path) -> None:
    for runner in runners(tmp_path):
        with pytest.raises(GraphRunError):
            runner.run({"__message__": "alone"}, ["alone"])
        with pytest.raises(GraphComponentException):
            runner.run({"__message__": "boom"}, ["alone"])


def test_the_sqlite_conversation_store_writes_ahead(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(SQLTrackerStore, "__init__", SQLTrackerStore.__init__)
    _sqlite_conversations_in_wal_mode()
    store = SQLTrackerStore(Domain.empty(), db=str(tmp_path / "tracker.db"))

    async def round_trip() -> DialogueStateTracker | None:
        await store.save(DialogueStateTracker.from_events("inwoner", [UserUttered("hallo")]))
        return await store.retrieve("inwoner")

    again = asyncio.run(round_trip())
    assert again is not None and again.latest_message is not None
    assert again.latest_message.text == "hallo"
    with closing(sqlite3.connect(tmp_path / "tracker.db")) as db:
        assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)
