"""Rasa's SQL tracker store as Rasa itself defines it, filled with conversations."""

from __future__ import annotations

import json
from datetime import datetime

from rasa.core.tracker_store import SQLTrackerStore
from sqlalchemy import insert, select
from sqlalchemy.engine import Engine

EVENTS = SQLTrackerStore.SQLEvent.__table__


def create_store(engine: Engine) -> None:
    SQLTrackerStore.Base.metadata.create_all(engine)


def say(engine: Engine, sender: str, at: datetime, *texts: str) -> None:
    """Messages of a resident, stored as Rasa stores a user event."""
    with engine.begin() as connection:
        for text in texts:
            event = {"event": "user", "timestamp": at.timestamp(), "text": text}
            connection.execute(
                insert(EVENTS).values(
                    sender_id=sender,
                    type_name="user",
                    timestamp=at.timestamp(),
                    data=json.dumps(event),
                )
            )


def senders(engine: Engine) -> set[str]:
    with engine.connect() as connection:
        return set(connection.execute(select(EVENTS.c.sender_id).distinct()).scalars())
