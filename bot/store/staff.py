"""Staff accounts of the Sociaal Huis: who may log in to the dashboard, and with which role."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum
from typing import Any

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError

from bot.store.tables import login_throttle, staff_account


class Role(str, Enum):
    staff = "staff"
    admin = "admin"


class StaffExists(ValueError):
    pass


@dataclass(frozen=True)
class StaffAccount:
    name: str
    role: Role
    password_hash: str
    disabled_at: datetime | None
    # Granted by an admin; an admin may always change the content.
    can_edit_content: bool = False

    @classmethod
    def of(cls, row: Any) -> StaffAccount:
        return cls(
            row.name, Role(row.role), row.password_hash, row.disabled_at, bool(row.can_edit_content)
        )

    @property
    def may_edit_content(self) -> bool:
        return self.role is Role.admin or self.can_edit_content


class StaffRepository:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def add(
        self,
        name: str,
        role: Role,
        password_hash: str,
        now: datetime,
        can_edit_content: bool = False,
    ) -> None:
        try:
            with self._engine.begin() as connection:
                connection.execute(
                    insert(staff_account).values(
                        name=name,
                        role=role.value,
                        password_hash=password_hash,
                        failed_logins=0,
                        created_at=now,
                        can_edit_content=can_edit_content,
                    )
                )
        except IntegrityError as exc:
            raise StaffExists(name) from exc

    def get(self, name: str) -> StaffAccount | None:
        with self._engine.connect() as connection:
            row = connection.execute(
                select(staff_account).where(staff_account.c.name == name)
            ).first()
        return None if row is None else StaffAccount.of(row)

    def all(self) -> list[StaffAccount]:
        with self._engine.connect() as connection:
            rows = connection.execute(select(staff_account).order_by(staff_account.c.name))
            return [StaffAccount.of(row) for row in rows]

    def _set(self, name: str, **values: Any) -> bool:
        """Change one account; False when there is no such account."""
        with self._engine.begin() as connection:
            result = connection.execute(
                update(staff_account).where(staff_account.c.name == name).values(**values)
            )
        return bool(result.rowcount)

    def set_disabled(self, name: str, disabled_at: datetime | None) -> bool:
        """Disable (a time) or enable (None) an account."""
        return self._set(name, disabled_at=disabled_at)

    def set_can_edit_content(self, name: str, allowed: bool) -> bool:
        """Grant or take back the right to change the content. It counts from the account's
        next page: sessions read it every time."""
        return self._set(name, can_edit_content=allowed)

    def update_hash(self, name: str, password_hash: str) -> None:
        """Store a fresh hash after a login, when the hashing parameters were upgraded."""
        with self._engine.begin() as connection:
            connection.execute(
                update(staff_account)
                .where(staff_account.c.name == name)
                .values(password_hash=password_hash)
            )


class LoginThrottleRepository:
    """Failed logins per key ("account:NAME", "address:IP"), shared by every dashboard process.

    The rules (how many failures are free, how long each further one makes a key wait) belong
    to the caller; this only counts, remembers until when a key waits, and forgets.
    """

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def blocked_until(self, keys: Sequence[str], now: datetime) -> datetime | None:
        """The latest moment one of `keys` must wait for; None when all may try now."""
        with self._engine.connect() as connection:
            until: datetime | None = connection.execute(
                select(func.max(login_throttle.c.blocked_until)).where(
                    login_throttle.c.key.in_(keys), login_throttle.c.blocked_until > now
                )
            ).scalar_one()
        return until

    def failed(
        self,
        delays: Mapping[str, Callable[[int], timedelta]],
        now: datetime,
        forget_before: datetime,
    ) -> None:
        """Count one failure on each key; `delays[key](failures)` says how long it then waits.

        Keys without a failure since `forget_before` start again from nothing, and their rows
        are deleted here, so the table holds only recent failures.
        """
        for attempt in range(2):
            try:
                with self._engine.begin() as connection:
                    # Writing first takes SQLite's write lock at once, so two processes never
                    # read the same count and both write it back plus one.
                    connection.execute(
                        delete(login_throttle).where(
                            login_throttle.c.last_failure_at < forget_before
                        )
                    )
                    for key, delay in delays.items():
                        self._count(connection, key, delay, now)
                return
            except IntegrityError:
                # Another process added the same key at the same moment: count again on its row.
                if attempt:
                    raise

    @staticmethod
    def _count(
        connection: Connection, key: str, delay: Callable[[int], timedelta], now: datetime
    ) -> None:
        before = connection.execute(
            select(login_throttle.c.failures).where(login_throttle.c.key == key).with_for_update()
        ).scalar_one_or_none()
        failures = (before or 0) + 1
        wait = delay(failures)
        values = {
            "failures": failures,
            "last_failure_at": now,
            "blocked_until": now + wait if wait else None,
        }
        if before is None:
            connection.execute(insert(login_throttle).values(key=key, **values))
        else:
            connection.execute(
                update(login_throttle).where(login_throttle.c.key == key).values(**values)
            )

    def clear(self, key: str) -> None:
        with self._engine.begin() as connection:
            connection.execute(delete(login_throttle).where(login_throttle.c.key == key))

    def count(self) -> int:
        with self._engine.connect() as connection:
            total: int = connection.execute(
                select(func.count()).select_from(login_throttle)
            ).scalar_one()
        return total
