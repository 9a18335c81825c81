"""Rasa's SQL tracker store (table `events`), read for staff and pruned for privacy."""

from __future__ import annotations

import json
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import bindparam, inspect, text
from sqlalchemy.engine import Engine

RESIDENT = "inwoner"
ASSISTANT = "hulpbot"
# Senders per DELETE statement: well below every database's limit on bound values.
CHUNK = 500


@dataclass(frozen=True)
class Turn:
    at: datetime
    speaker: str
    text: str
    buttons: tuple[str, ...] = ()


def _has_store(engine: Engine) -> bool:
    """Rasa creates the store when it first starts, so until then there is nothing to read."""
    return "events" in inspect(engine).get_table_names()


def idle_conversations(engine: Engine, last_message_before: datetime) -> set[str]:
    """Conversations whose newest event is older than `last_message_before`."""
    if not _has_store(engine):
        return set()
    with engine.connect() as connection:
        return set(
            connection.execute(
                text(
                    "SELECT sender_id FROM events GROUP BY sender_id "
                    "HAVING MAX(timestamp) < :before"
                ),
                {"before": last_message_before.timestamp()},
            ).scalars()
        )


def delete_conversations(engine: Engine, sender_ids: Collection[str]) -> int:
    """Delete every stored event of these conversations; returns how many events went."""
    if not sender_ids or not _has_store(engine):
        return 0
    senders, deleted = sorted(sender_ids), 0
    statement = text("DELETE FROM events WHERE sender_id IN :senders").bindparams(
        bindparam("senders", expanding=True)
    )
    with engine.begin() as connection:
        for start in range(0, len(senders), CHUNK):
            result = connection.execute(statement, {"senders": senders[start : start + CHUNK]})
            deleted += int(result.rowcount)
    return deleted


def transcript(engine: Engine, sender_id: str, limit: int = 400) -> list[Turn]:
    """What the resident and the assistant said, oldest first (the newest `limit` messages)."""
    if not _has_store(engine):
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
