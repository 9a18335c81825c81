"""Rasa's SQL tracker store (table `events`), read for staff and pruned for privacy."""

from __future__ import annotations

import json
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import bindparam, inspect, text
from sqlalchemy.engine import Engine

RESIDENT = "inwoner"
ASSISTANT = "hulpbot"
# Senders per DELETE statement: well below every database's limit on bound values.
CHUNK = 500
SOME_BUTTON = "een knop"


@dataclass(frozen=True)
class Turn:
    at: datetime
    speaker: str
    text: str
    buttons: tuple[str, ...] = ()
    # The resident tapped a button: `text` is its title (or what it did), never its payload.
    tapped: bool = False


def has_store(engine: Engine) -> bool:
    """Rasa creates the store when it first starts, so until then there is nothing to read."""
    return "events" in inspect(engine).get_table_names()


def idle_conversations(engine: Engine, last_message_before: datetime) -> set[str]:
    """Conversations whose newest event is older than `last_message_before`."""
    if not has_store(engine):
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
    if not sender_ids or not has_store(engine):
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


def transcript(
    engine: Engine,
    sender_id: str,
    limit: int = 400,
    describe: Callable[[str], str] = lambda payload: SOME_BUTTON,
) -> list[Turn]:
    """What the resident and the assistant said, oldest first (the newest `limit` messages).

    A tapped button reaches Rasa as its payload ("/request_callback"): the resident is shown
    with the title of the button they tapped, or, when no earlier message had that button,
    with `describe(payload)`.
    """
    if not has_store(engine):
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
    # The newest title of every payload offered so far.
    titles: dict[str, str] = {}
    for type_name, timestamp, data in reversed(rows):
        event = json.loads(data)
        said = event.get("text") or ""
        offered = (event.get("data") or {}).get("buttons") or []
        titles.update((str(b.get("payload", "")), str(b.get("title", ""))) for b in offered)
        # Only a payload can start with "/" (Telegram drops it from typed text); other payloads
        # are plain words ("ja", "voormiddag") and read as they are.
        tapped = type_name == "user" and said.startswith("/")
        if tapped:
            said = titles.get(said) or describe(said)
        if said or offered:
            turns.append(
                Turn(
                    datetime.fromtimestamp(float(timestamp), timezone.utc),
                    RESIDENT if type_name == "user" else ASSISTANT,
                    said,
                    tuple(str(b.get("title", "")) for b in offered),
                    tapped,
                )
            )
    return turns
