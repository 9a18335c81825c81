"""Conversations in Rasa's SQL tracker store, made of Rasa's own events and saved the way
`SQLTrackerStore.save` saves them (one row per event; intent and action name as columns)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from rasa.shared.core.events import ActionExecuted, Event, SlotSet, UserUttered
from sqlalchemy import insert
from sqlalchemy.engine import Engine

from tests.bot.store.rasa_store import EVENTS

THRESHOLD = 0.45


def store(engine: Engine, sender: str, *events: Event) -> None:
    with engine.begin() as connection:
        for event in events:
            data = event.as_dict()
            connection.execute(
                insert(EVENTS).values(
                    sender_id=sender,
                    type_name=event.type_name,
                    timestamp=data.get("timestamp"),
                    intent_name=data.get("parse_data", {}).get("intent", {}).get("name"),
                    action_name=data.get("name"),
                    data=json.dumps(data),
                )
            )


def user(
    text: str,
    at: datetime,
    intent: str,
    confidence: float = 0.9,
    *ranking: tuple[str, float],
    **metadata: Any,
) -> UserUttered:
    """A resident's message as the NLU parsed it; `ranking`: the other intents it weighed."""
    best = {"name": intent, "confidence": confidence}
    parse_data = {
        "intent": best,
        "entities": [],
        "text": text,
        "intent_ranking": [best, *({"name": n, "confidence": c} for n, c in ranking)],
    }
    return UserUttered(
        text, best, [], parse_data=parse_data, timestamp=at.timestamp(), metadata=metadata
    )


def unclear(text: str, at: datetime, guessed: str, confidence: float, **metadata: Any) -> Event:
    """A message the FallbackClassifier took over: its guess comes second in the ranking."""
    return user(text, at, "nlu_fallback", THRESHOLD, (guessed, confidence), **metadata)


def slot(name: str, value: Any, at: datetime) -> SlotSet:
    return SlotSet(name, value, timestamp=at.timestamp())


def action(name: str, at: datetime) -> ActionExecuted:
    return ActionExecuted(name, timestamp=at.timestamp())
