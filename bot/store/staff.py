"""Staff accounts of the Sociaal Huis: who may log in to the dashboard, and with which role."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from bot.store.tables import staff_account


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
    failed_logins: int
    locked_until: datetime | None
    disabled_at: datetime | None

    @classmethod
    def of(cls, row: Any) -> StaffAccount:
        return cls(
            row.name,
            Role(row.role),
            row.password_hash,
            row.failed_logins,
            row.locked_until,
            row.disabled_at,
        )

    def locked(self, now: datetime) -> bool:
        return self.locked_until is not None and now < self.locked_until


class StaffRepository:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def add(self, name: str, role: Role, password_hash: str, now: datetime) -> None:
        try:
            with self._engine.begin() as connection:
                connection.execute(
                    insert(staff_account).values(
                        name=name,
                        role=role.value,
                        password_hash=password_hash,
                        failed_logins=0,
                        created_at=now,
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

    def set_disabled(self, name: str, disabled_at: datetime | None) -> bool:
        """Disable (a time) or enable (None) an account; False when there is no such account."""
        with self._engine.begin() as connection:
            result = connection.execute(
                update(staff_account)
                .where(staff_account.c.name == name)
                .values(disabled_at=disabled_at)
            )
        return bool(result.rowcount)

    def login_failed(self, name: str, max_failures: int, locked_until: datetime) -> None:
        """Count a failed login; at `max_failures` in a row the account locks until then."""
        with self._engine.begin() as connection:
            failures = (
                connection.execute(
                    select(staff_account.c.failed_logins).where(staff_account.c.name == name)
                ).scalar_one()
                + 1
            )
            values: dict[str, Any] = {"failed_logins": failures}
            if failures >= max_failures:
                values.update(failed_logins=0, locked_until=locked_until)
            connection.execute(
                update(staff_account).where(staff_account.c.name == name).values(**values)
            )

    def login_succeeded(self, name: str, password_hash: str | None = None) -> None:
        """Reset the failure count; store a fresh hash when the parameters were upgraded."""
        values: dict[str, Any] = {"failed_logins": 0, "locked_until": None}
        if password_hash is not None:
            values["password_hash"] = password_hash
        with self._engine.begin() as connection:
            connection.execute(
                update(staff_account).where(staff_account.c.name == name).values(**values)
            )
