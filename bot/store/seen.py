"""Webhook deliveries already handled, in the database so every replica and every restart
knows them: a provider that delivers twice gets one answer."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Table, delete, insert
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError

# Providers retry within minutes; Telegram keeps an unanswered update for 24 hours.
SEEN_FOR = timedelta(days=7)


def drop_old(connection: Connection, table: Table, now: datetime) -> None:
    """Ids older than SEEN_FOR: no provider sends those again."""
    connection.execute(delete(table).where(table.c.created_at < now - SEEN_FOR))


def first_time(engine: Engine, table: Table, message_id: str, now: datetime) -> bool:
    """Record a delivery id in `table`; False when it was handled before."""
    try:
        with engine.begin() as connection:
            drop_old(connection, table, now)
            connection.execute(insert(table).values(message_id=message_id, created_at=now))
    except IntegrityError:
        return False
    return True
