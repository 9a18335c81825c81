"""Rasa's SQL tracker store, read and pruned: the conversations behind call-back requests."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import inspect, text
from sqlalchemy.engine import Engine

from bot.store.db import make_engine

RESIDENT = "inwoner"
ASSISTANT = "hulpbot"


@dataclass(frozen=True)
class Turn:
    at: datetime
    speaker: str
    text: str
    buttons: tuple[str, ...] = ()


def forget_conversation(tracker_db_url: str, sender_id: str) -> int:
    """Delete the stored events of one conversation; 0 when there is no store yet."""
    engine = make_engine(tracker_db_url)
    try:
        if "events" not in inspect(engine).get_table_names():
            return 0
        with engine.begin() as connection:
            result = connection.execute(
                text("DELETE FROM events WHERE sender_id = :sender"), {"sender": sender_id}
            )
        return int(result.rowcount)
    finally:
        engine.dispose()


def transcript(engine: Engine, sender_id: str, limit: int = 400) -> list[Turn]:
    """What the resident and the assistant said, oldest first (the newest `limit` messages).

    Rasa creates the store when it first starts, so until then there is nothing to read.
    """
    if "events" not in inspect(engine).get_table_names():
        return []
    with engine.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT type_name, timestamp, data FROM events "
                "WHERE sender_id = :sender AND type_name IN ('user', 'bot') "
                "ORDER BY id DESC LIMIT :limit"
            ),
            {"sender": sender_id, "limit": limit},
        ).all()
    turns = []
    for type_name, timestamp, data in reversed(rows):
        event = json.loads(data)
        said = event.get("text") or ""
        buttons = tuple(
            str(b.get("title", "")) for b in (event.get("data") or {}).get("buttons") or []
        )
        if said or buttons:
            turns.append(
                Turn(
                    datetime.fromtimestamp(float(timestamp), timezone.utc),
                    RESIDENT if type_name == "user" else ASSISTANT,
                    said,
                    buttons,
                )
            )
    return turns
