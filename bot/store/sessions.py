"""Login sessions and API tokens: random secrets of which only a SHA-256 is stored.

A stolen database copy therefore holds no usable session; the secrets are long
and random, so a fast hash is enough (no password stretching needed).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, insert, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.sql.schema import Table

from bot.store.tables import api_token, staff_account, staff_session


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class Session:
    staff_name: str
    role: str
    csrf_token: str
    # May change the facts the assistant tells residents (an admin always may).
    can_edit_content: bool = False


class _Tokens:
    table: Table

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def _issue(self, staff_name: str, now: datetime, csrf_token: str | None) -> str:
        token = secrets.token_urlsafe(32)
        with self._engine.begin() as connection:
            connection.execute(
                insert(self.table).values(
                    token_hash=_digest(token),
                    staff_name=staff_name,
                    created_at=now,
                    last_seen_at=now,
                    csrf_token=csrf_token,
                )
            )
        return token

    def _find(self, token: str, now: datetime, idle: timedelta | None) -> Session | None:
        """The live session of an enabled account; touching it keeps it alive."""
        digest = _digest(token)
        with self._engine.begin() as connection:
            row = connection.execute(
                select(
                    self.table,
                    staff_account.c.role,
                    staff_account.c.disabled_at,
                    staff_account.c.can_edit_content,
                )
                .join(staff_account, staff_account.c.name == self.table.c.staff_name)
                .where(self.table.c.token_hash == digest)
            ).first()
            if row is None:
                return None
            if row.disabled_at is not None or (idle is not None and now - row.last_seen_at > idle):
                connection.execute(delete(self.table).where(self.table.c.token_hash == digest))
                return None
            connection.execute(
                update(self.table).where(self.table.c.token_hash == digest).values(last_seen_at=now)
            )
        return Session(
            row.staff_name,
            row.role,
            row.csrf_token or "",
            row.role == "admin" or bool(row.can_edit_content),
        )

    def revoke(self, token: str) -> None:
        with self._engine.begin() as connection:
            connection.execute(delete(self.table).where(self.table.c.token_hash == _digest(token)))

    def revoke_all(self, staff_name: str) -> None:
        with self._engine.begin() as connection:
            connection.execute(delete(self.table).where(self.table.c.staff_name == staff_name))


class SessionRepository(_Tokens):
    """Browser logins; each carries the CSRF token its forms must send back."""

    table = staff_session

    def start(self, staff_name: str, now: datetime, idle: timedelta) -> str:
        """A new login; sessions that ran out are cleared away at the same time."""
        with self._engine.begin() as connection:
            connection.execute(delete(self.table).where(self.table.c.last_seen_at < now - idle))
        return self._issue(staff_name, now, secrets.token_urlsafe(32))

    def find(self, token: str, now: datetime, idle: timedelta) -> Session | None:
        return self._find(token, now, idle)


class ApiTokenRepository(_Tokens):
    """Tokens for the JSON API; each acts as one staff member until revoked."""

    table = api_token

    def issue(self, staff_name: str, now: datetime) -> str:
        return self._issue(staff_name, now, None)

    def find(self, token: str, now: datetime) -> Session | None:
        return self._find(token, now, None)
