"""What the SMS channel remembers per number, and the message ids it has handled."""

from __future__ import annotations

import json
from collections.abc import Collection
from datetime import date, datetime
from enum import Enum
from typing import Any

from sqlalchemy import delete, insert, or_, select, update
from sqlalchemy.engine import Connection, Engine

from bot.store.seen import first_time
from bot.store.tables import sms_contact, sms_seen


class Allowance(str, Enum):
    send = "send"
    # This is the last message today: it says so instead.
    last = "last"
    blocked = "blocked"


class SmsRepository:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def first_time(self, message_id: str, now: datetime) -> bool:
        """Record a provider message id; False when it was handled before."""
        return first_time(self._engine, sms_seen, message_id, now)

    @staticmethod
    def _row(connection: Connection, phone: str) -> Any:
        row = connection.execute(select(sms_contact).where(sms_contact.c.phone == phone)).first()
        if row is None:
            connection.execute(insert(sms_contact).values(phone=phone, sent_today=0))
            row = connection.execute(select(sms_contact).where(sms_contact.c.phone == phone)).one()
        return row

    def _set(self, phone: str, **values: Any) -> None:
        with self._engine.begin() as connection:
            self._row(connection, phone)
            connection.execute(
                update(sms_contact).where(sms_contact.c.phone == phone).values(**values)
            )

    def opt_out(self, phone: str, now: datetime) -> None:
        self._set(phone, opted_out_at=now, options=None)

    def opt_in(self, phone: str) -> None:
        self._set(phone, opted_out_at=None)

    def opted_out(self, phone: str) -> bool:
        with self._engine.connect() as connection:
            value = connection.execute(
                select(sms_contact.c.opted_out_at).where(sms_contact.c.phone == phone)
            ).scalar_one_or_none()
        return value is not None

    def take_options(self, phone: str) -> list[dict[str, Any]]:
        """The options of the last message; they count for one answer only."""
        with self._engine.begin() as connection:
            raw = self._row(connection, phone).options
            connection.execute(
                update(sms_contact).where(sms_contact.c.phone == phone).values(options=None)
            )
        return list(json.loads(raw)) if raw else []

    def offer_options(self, phone: str, buttons: list[dict[str, Any]]) -> None:
        self._set(phone, options=json.dumps(buttons) if buttons else None)

    def allow_message(self, phone: str, today: date, cap: int) -> Allowance:
        """Count one outgoing message against the daily cap, if it may still be sent."""
        with self._engine.begin() as connection:
            row = self._row(connection, phone)
            sent = row.sent_today if row.day == today else 0
            if sent >= cap:
                return Allowance.blocked
            connection.execute(
                update(sms_contact)
                .where(sms_contact.c.phone == phone)
                .values(day=today, sent_today=sent + 1)
            )
        return Allowance.last if sent + 1 == cap else Allowance.send

    def purge(self, last_used_before: date) -> int:
        """Forget numbers we sent nothing to since `last_used_before`. Opt-outs stay: STOP must
        keep holding, and it is the one thing we keep the number for."""
        with self._engine.begin() as connection:
            result = connection.execute(
                delete(sms_contact).where(
                    sms_contact.c.opted_out_at.is_(None),
                    or_(sms_contact.c.day.is_(None), sms_contact.c.day < last_used_before),
                )
            )
        return int(result.rowcount)

    def numbers(self) -> list[str]:
        """Every number we remember, to find the one behind a keyed SMS conversation id."""
        with self._engine.connect() as connection:
            return list(connection.execute(select(sms_contact.c.phone)).scalars())

    def forget(self, phones: Collection[str]) -> int:
        """Delete what we remember of these numbers, the opt-out too (`bot forget`)."""
        with self._engine.begin() as connection:
            result = connection.execute(
                delete(sms_contact).where(sms_contact.c.phone.in_(list(phones)))
            )
        return int(result.rowcount)
