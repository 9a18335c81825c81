"""Remove a resident's conversation from Rasa's SQL tracker store."""

from __future__ import annotations

from sqlalchemy import inspect, text

from bot.store.db import make_engine


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
