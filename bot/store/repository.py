"""All reads and writes of call-back requests, shared by the actions and the dashboard.

Methods are synchronous and short; async callers run them with `asyncio.to_thread`
so the event loop never waits on the database.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import Enum
from typing import Any

from sqlalchemy import (
    String,
    and_,
    case,
    cast,
    delete,
    false,
    func,
    insert,
    literal,
    or_,
    select,
    true,
    update,
)
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.sql import Select

from bot.store.tables import audit_event, callback_request, notification_outbox, request_note

# No 0/O, 1/I/L: a reference must survive being read aloud on the phone.
REFERENCE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
REFERENCE_PREFIX = "MB"
SYSTEM_ACTOR = "hulpbot"
# Who a resident's own action is audited as: never their conversation id, which identifies them
# (a Telegram chat id, or before namespacing an SMS number).
RESIDENT_ACTOR = "inwoner"
# What stays of `sender_id` (the column is required) once a request's personal data is purged.
PURGED_SENDER = "gewist"


class Status(str, Enum):
    nieuw = "nieuw"
    in_behandeling = "in behandeling"
    gebeld = "gebeld"
    niet_bereikbaar = "niet bereikbaar"
    # Called, and staff call again on `call_again_on` (the resident asked, or it is not done).
    opnieuw_bellen = "opnieuw bellen"
    afgesloten = "afgesloten"


OPEN_STATUSES = (
    Status.nieuw.value,
    Status.in_behandeling.value,
    Status.niet_bereikbaar.value,
    Status.opnieuw_bellen.value,
)
# A call attempt, reached or not: the first one sets `called_at` (time to first call).
CALL_STATUSES = (Status.gebeld, Status.niet_bereikbaar, Status.opnieuw_bellen)
# Done: the retention period for personal data starts counting (`closed_at`).
DONE_STATUSES = (Status.gebeld, Status.afgesloten)


class UnknownRequest(LookupError):
    pass


class NeedsDate(ValueError):
    """Status "opnieuw bellen" without the day to call again: nobody would know when."""


def new_reference() -> str:
    return f"{REFERENCE_PREFIX}-" + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(4))


@dataclass(frozen=True)
class NewCallback:
    submission_key: str
    channel: str
    sender_id: str
    phone: str
    name: str | None
    preferred_moment: str
    topic: str
    excerpt: str
    referral_code: str | None = None
    # The conversation went through urgent help before the request.
    urgent: bool = False


@dataclass(frozen=True)
class CallbackRecord:
    id: int
    reference: str
    created_at: datetime
    channel: str
    sender_id: str
    phone: str | None
    name: str | None
    preferred_moment: str
    topic: str
    status: str
    closed_at: datetime | None
    excerpt: str | None = None
    referral_code: str | None = None
    assigned_to: str | None = None
    call_attempts: int = 0
    called_at: datetime | None = None
    urgent: bool = False
    call_again_on: date | None = None

    @classmethod
    def of(cls, row: Mapping[str, Any]) -> CallbackRecord:
        return cls(**{name: row[name] for name in cls.__dataclass_fields__})


@dataclass(frozen=True)
class Filters:
    """Inbox filters; None means any."""

    status: str | None = None
    channel: str | None = None
    topic: str | None = None


@dataclass(frozen=True)
class OpenSummary:
    total: int
    # The creation time of the oldest open request per preferred moment, leaving out those
    # to call again on a chosen day.
    oldest: dict[str, datetime]


@dataclass(frozen=True)
class Page:
    records: list[CallbackRecord]
    total: int


@dataclass(frozen=True)
class Note:
    created_at: datetime
    author: str
    text: str | None


@dataclass(frozen=True)
class AuditEntry:
    created_at: datetime
    actor: str
    action: str
    detail: str | None


@dataclass(frozen=True)
class RequestDetail:
    record: CallbackRecord
    notes: list[Note]
    audit: list[AuditEntry]


@dataclass(frozen=True)
class Notification:
    outbox_id: int
    attempts: int
    record: CallbackRecord


@dataclass(frozen=True)
class Forgotten:
    requests: int
    # Every conversation and number the deleted requests belonged to.
    senders: frozenset[str]
    phones: frozenset[str]


@dataclass(frozen=True)
class Saved:
    record: CallbackRecord
    # False when this submission had been stored before (a retried action call).
    created: bool


class CallbackRepository:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def save(self, new: NewCallback, now: datetime) -> Saved:
        """Store a request once per submission, with its audit event and notification."""
        for _ in range(5):
            try:
                with self._engine.begin() as connection:
                    existing = self._by_key(connection, new.submission_key)
                    if existing is not None:
                        return Saved(existing, created=False)
                    record = self._insert(connection, new, now)
                    return Saved(record, created=True)
            except IntegrityError:
                continue  # the same submission raced us, or a reference collided: look again
        raise RuntimeError("could not store the call-back request")

    @staticmethod
    def _first(connection: Connection, query: Select) -> CallbackRecord | None:
        row = connection.execute(query).mappings().first()
        return None if row is None else CallbackRecord.of(row)

    def _by_key(self, connection: Connection, key: str) -> CallbackRecord | None:
        return self._first(
            connection, select(callback_request).where(callback_request.c.submission_key == key)
        )

    def _insert(self, connection: Connection, new: NewCallback, now: datetime) -> CallbackRecord:
        values = {
            **new.__dict__,
            "reference": new_reference(),
            "created_at": now,
            "status": Status.nieuw.value,
        }
        request_id = connection.execute(
            insert(callback_request).values(**values)
        ).inserted_primary_key[0]
        detail = f"via {new.channel}" + (", dringend" if new.urgent else "")
        self._audit(connection, request_id, SYSTEM_ACTOR, "aangemaakt", now, detail)
        connection.execute(
            insert(notification_outbox).values(
                request_id=request_id, created_at=now, attempts=0, next_attempt_at=now
            )
        )
        row = (
            connection.execute(select(callback_request).where(callback_request.c.id == request_id))
            .mappings()
            .one()
        )
        return CallbackRecord.of(row)

    def open_request(self, channel: str, sender_id: str) -> CallbackRecord | None:
        """The resident's request that is still being handled, if any."""
        with self._engine.connect() as connection:
            return self._first(
                connection,
                select(callback_request)
                .where(
                    callback_request.c.channel == channel,
                    callback_request.c.sender_id == sender_id,
                    callback_request.c.status.in_(OPEN_STATUSES),
                )
                .order_by(callback_request.c.created_at.desc()),
            )

    def change_moment(
        self, reference: str, moment: str, sender_id: str, now: datetime, urgent: bool = False
    ) -> None:
        """The resident picks another moment for their open request.

        Only the conversation that made the request may change it; the audit says "inwoner".
        With `urgent` (urgent help came since), the request becomes urgent; it never stops
        being urgent this way.
        """
        with self._engine.begin() as connection:
            current = self._current(connection, reference)
            if current.sender_id != sender_id:
                raise UnknownRequest(reference)
            flagged = urgent and not current.urgent
            self._update(
                connection, reference, preferred_moment=moment, urgent=current.urgent or urgent
            )
            detail = moment + (", dringend" if flagged else "")
            self._audit(connection, current.id, RESIDENT_ACTOR, "moment gewijzigd", now, detail)

    def claim(self, reference: str, actor: str, now: datetime) -> None:
        """A staff member says "ik bel": the request is theirs and being handled."""
        with self._engine.begin() as connection:
            current = self._current(connection, reference)
            values: dict[str, Any] = {"assigned_to": actor}
            if current.status in OPEN_STATUSES:
                # Calling now: a planned day to call again is done with.
                values.update(status=Status.in_behandeling.value, call_again_on=None)
            detail = (
                f"overgenomen van {current.assigned_to}"
                if current.assigned_to not in (None, actor)
                else None
            )
            self._update(connection, reference, **values)
            self._audit(connection, current.id, actor, "ik bel", now, detail)

    def set_status(
        self,
        reference: str,
        status: Status,
        actor: str,
        now: datetime,
        call_again_on: date | None = None,
    ) -> None:
        """Move a request to `status`, keeping call times, attempts and closing in step.

        "opnieuw bellen" needs `call_again_on` (else NeedsDate); every other status forgets it.
        """
        if status is Status.opnieuw_bellen and call_again_on is None:
            raise NeedsDate(reference)
        again = call_again_on if status is Status.opnieuw_bellen else None
        with self._engine.begin() as connection:
            current = self._current(connection, reference)
            values: dict[str, Any] = {
                "status": status.value,
                "closed_at": (current.closed_at or now) if status in DONE_STATUSES else None,
                "call_again_on": again,
            }
            detail = f"{current.status} → {status.value}"
            if again is not None:
                detail += f" op {again:%d-%m-%Y}"
            if status in CALL_STATUSES and current.called_at is None:
                values["called_at"] = now
            if status is Status.niet_bereikbaar:
                values["call_attempts"] = current.call_attempts + 1
                detail += f" (poging {current.call_attempts + 1})"
            self._update(connection, reference, **values)
            self._audit(connection, current.id, actor, "status gewijzigd", now, detail)

    def add_note(self, reference: str, author: str, text: str, now: datetime) -> None:
        with self._engine.begin() as connection:
            request_id = self._current(connection, reference).id
            connection.execute(
                insert(request_note).values(
                    request_id=request_id, created_at=now, author=author, text=text
                )
            )
            self._audit(connection, request_id, author, "notitie toegevoegd", now)

    def record_event(
        self, actor: str, action: str, now: datetime, detail: str | None = None
    ) -> None:
        """An audited staff action that concerns no single request (an export, an account)."""
        with self._engine.begin() as connection:
            connection.execute(
                insert(audit_event).values(
                    created_at=now, request_id=None, actor=actor, action=action, detail=detail
                )
            )

    def _current(self, connection: Connection, reference: str) -> CallbackRecord:
        record = self._first(
            connection, select(callback_request).where(callback_request.c.reference == reference)
        )
        if record is None:
            raise UnknownRequest(reference)
        return record

    @staticmethod
    def _audit(
        connection: Connection,
        request_id: int,
        actor: str,
        action: str,
        now: datetime,
        detail: str | None = None,
    ) -> None:
        connection.execute(
            insert(audit_event).values(
                created_at=now, request_id=request_id, actor=actor, action=action, detail=detail
            )
        )

    @staticmethod
    def _update(connection: Connection, reference: str, **values: Any) -> int:
        """Update one request by reference and return its id (no RETURNING on SQLite 1.4)."""
        request_id: int = connection.execute(
            select(callback_request.c.id).where(callback_request.c.reference == reference)
        ).scalar_one()
        connection.execute(
            update(callback_request).where(callback_request.c.id == request_id).values(**values)
        )
        return request_id

    def page(
        self, filters: Filters, limit: int, offset: int = 0, *, urgent_first: bool = False
    ) -> Page:
        """One page of requests, newest first; with `urgent_first`, urgent requests that are
        still open come before all others (the inbox)."""
        conditions = [
            column == value
            for column, value in (
                (callback_request.c.status, filters.status),
                (callback_request.c.channel, filters.channel),
                (callback_request.c.topic, filters.topic),
            )
            if value
        ]
        with self._engine.connect() as connection:
            total = connection.execute(
                select(func.count()).select_from(callback_request).where(*conditions)
            ).scalar_one()
            order = [callback_request.c.created_at.desc(), callback_request.c.id.desc()]
            if urgent_first:
                urgent_and_open = and_(
                    callback_request.c.urgent == true(),
                    callback_request.c.status.in_(OPEN_STATUSES),
                )
                order.insert(0, case((urgent_and_open, 0), else_=1))
            rows = connection.execute(
                select(callback_request)
                .where(*conditions)
                .order_by(*order)
                .limit(limit)
                .offset(offset)
            ).mappings()
            return Page([CallbackRecord.of(row) for row in rows], int(total))

    def since(self, start: datetime) -> list[CallbackRecord]:
        """Every request made from `start` on, oldest first (statistics and export)."""
        with self._engine.connect() as connection:
            rows = connection.execute(
                select(callback_request)
                .where(callback_request.c.created_at >= start)
                .order_by(callback_request.c.created_at, callback_request.c.id)
            ).mappings()
            return [CallbackRecord.of(row) for row in rows]

    def created_between(
        self, start: datetime | None, end: datetime | None, status: str | None = None
    ) -> list[CallbackRecord]:
        """Requests made from `start` until before `end` (None: no limit), with `status` when
        given, oldest first (the export)."""
        conditions = []
        if start is not None:
            conditions.append(callback_request.c.created_at >= start)
        if end is not None:
            conditions.append(callback_request.c.created_at < end)
        if status is not None:
            conditions.append(callback_request.c.status == status)
        with self._engine.connect() as connection:
            rows = connection.execute(
                select(callback_request)
                .where(*conditions)
                .order_by(callback_request.c.created_at, callback_request.c.id)
            ).mappings()
            return [CallbackRecord.of(row) for row in rows]

    def _open(self) -> Any:
        return callback_request.c.status.in_(OPEN_STATUSES)

    def _again_on_a_day(self) -> Any:
        """Open requests staff chose to call again on a day: late after that day, not by the
        moment the resident chose."""
        return and_(
            callback_request.c.status == Status.opnieuw_bellen.value,
            callback_request.c.call_again_on.is_not(None),
        )

    def open_summary(self) -> OpenSummary:
        """How many requests are open, and per preferred moment the oldest one still waiting
        for the promised call: what the menu's late count starts from, without loading rows."""
        with self._engine.connect() as connection:
            total = connection.execute(
                select(func.count()).select_from(callback_request).where(self._open())
            ).scalar_one()
            oldest = connection.execute(
                select(callback_request.c.preferred_moment, func.min(callback_request.c.created_at))
                .where(self._open(), ~self._again_on_a_day())
                .group_by(callback_request.c.preferred_moment)
            ).all()
        return OpenSummary(int(total), {moment: first for moment, first in oldest})

    def count_late(self, made_before: Mapping[str, datetime], today: date) -> int:
        """Open requests made before their moment's cutoff in `made_before` (so past the
        promised call), plus those to call again on a day before `today`."""
        by_moment = [
            and_(
                callback_request.c.preferred_moment == moment,
                callback_request.c.created_at < cutoff,
            )
            for moment, cutoff in made_before.items()
        ]
        late = or_(
            and_(~self._again_on_a_day(), or_(false(), *by_moment)),
            and_(self._again_on_a_day(), callback_request.c.call_again_on < today),
        )
        with self._engine.connect() as connection:
            return int(
                connection.execute(
                    select(func.count()).select_from(callback_request).where(self._open(), late)
                ).scalar_one()
            )

    def values_in_use(self) -> dict[str, list[str]]:
        """The channels and topics that occur, for the inbox filters."""
        with self._engine.connect() as connection:
            return {
                name: sorted(connection.execute(select(column).distinct()).scalars())
                for name, column in (
                    ("channel", callback_request.c.channel),
                    ("topic", callback_request.c.topic),
                )
            }

    def detail(self, reference: str) -> RequestDetail | None:
        with self._engine.connect() as connection:
            try:
                record = self._current(connection, reference)
            except UnknownRequest:
                return None
            notes = connection.execute(
                select(request_note.c.created_at, request_note.c.author, request_note.c.text)
                .where(request_note.c.request_id == record.id)
                .order_by(request_note.c.id)
            ).all()
            audit = connection.execute(
                select(
                    audit_event.c.created_at,
                    audit_event.c.actor,
                    audit_event.c.action,
                    audit_event.c.detail,
                )
                .where(audit_event.c.request_id == record.id)
                .order_by(audit_event.c.id)
            ).all()
        return RequestDetail(
            record, [Note(*row) for row in notes], [AuditEntry(*row) for row in audit]
        )

    def events(self, limit: int = 50) -> list[AuditEntry]:
        """The newest audited actions that concern no single request."""
        with self._engine.connect() as connection:
            rows = connection.execute(
                select(
                    audit_event.c.created_at,
                    audit_event.c.actor,
                    audit_event.c.action,
                    audit_event.c.detail,
                )
                .where(audit_event.c.request_id.is_(None))
                .order_by(audit_event.c.id.desc())
                .limit(limit)
            ).all()
        return [AuditEntry(*row) for row in rows]

    def get(self, reference: str) -> CallbackRecord | None:
        with self._engine.connect() as connection:
            return self._first(
                connection,
                select(callback_request).where(callback_request.c.reference == reference),
            )

    def audit_actions(self, reference: str) -> list[str]:
        with self._engine.connect() as connection:
            return list(
                connection.execute(
                    select(audit_event.c.action)
                    .join(callback_request, audit_event.c.request_id == callback_request.c.id)
                    .where(callback_request.c.reference == reference)
                    .order_by(audit_event.c.id)
                ).scalars()
            )

    def purge(self, retention_days: int, now: datetime) -> list[tuple[str, str]]:
        """Strip requests closed longer than the retention ago of all that identifies the resident.

        Phone, name, excerpt, notes, the conversation id (also inside the submission key) and
        audit rows naming that id go; status, topic, channel and times stay for the statistics.
        Returns (channel, sender id) of each purged request, so their conversations can go too.
        """
        cutoff = now - timedelta(days=retention_days)
        condition = and_(
            callback_request.c.closed_at.is_not(None),
            callback_request.c.closed_at < cutoff,
            callback_request.c.purged_at.is_(None),
        )
        with self._engine.begin() as connection:
            rows = connection.execute(
                select(
                    callback_request.c.id, callback_request.c.channel, callback_request.c.sender_id
                ).where(condition)
            ).all()
            ids = [row.id for row in rows]
            if not ids:
                return []
            # Rows written before resident actions were audited as "inwoner" name the sender.
            own_sender = (
                select(callback_request.c.sender_id)
                .where(callback_request.c.id == audit_event.c.request_id)
                .scalar_subquery()
            )
            connection.execute(
                update(audit_event)
                .where(audit_event.c.request_id.in_(ids), audit_event.c.actor == own_sender)
                .values(actor=RESIDENT_ACTOR)
            )
            connection.execute(
                update(callback_request)
                .where(callback_request.c.id.in_(ids))
                .values(
                    phone=None,
                    name=None,
                    excerpt=None,
                    sender_id=PURGED_SENDER,
                    # Unique, and no longer "channel:sender:…".
                    submission_key=literal(f"{PURGED_SENDER}:", String)
                    + cast(callback_request.c.id, String),
                    purged_at=now,
                )
            )
            connection.execute(
                update(request_note).where(request_note.c.request_id.in_(ids)).values(text=None)
            )
            connection.execute(
                update(notification_outbox)
                .where(notification_outbox.c.request_id.in_(ids))
                .values(last_error=None)
            )
            connection.execute(
                insert(audit_event),
                [
                    {
                        "created_at": now,
                        "request_id": i,
                        "actor": SYSTEM_ACTOR,
                        "action": "persoonsgegevens gewist",
                    }
                    for i in ids
                ],
            )
        return [(row.channel, row.sender_id) for row in rows]

    def senders_with_personal_data(self) -> set[str]:
        """Conversations behind a request that is open or not purged yet: staff may still read
        them, so their conversation is kept."""
        with self._engine.connect() as connection:
            return set(
                connection.execute(
                    select(callback_request.c.sender_id)
                    .where(callback_request.c.purged_at.is_(None))
                    .distinct()
                ).scalars()
            )

    def due_notifications(self, now: datetime, limit: int = 50) -> list[Notification]:
        """Announcements of new requests that are waiting to be (re)sent."""
        with self._engine.connect() as connection:
            rows = (
                connection.execute(
                    select(
                        notification_outbox.c.id, notification_outbox.c.attempts, callback_request
                    )
                    .join(
                        callback_request, notification_outbox.c.request_id == callback_request.c.id
                    )
                    .where(
                        notification_outbox.c.sent_at.is_(None),
                        notification_outbox.c.next_attempt_at <= now,
                    )
                    .order_by(
                        case((callback_request.c.urgent == true(), 0), else_=1),
                        notification_outbox.c.next_attempt_at,
                    )
                    .limit(limit)
                )
                .mappings()
                .all()
            )
        return [Notification(row["id"], row["attempts"], CallbackRecord.of(row)) for row in rows]

    def notification_sent(self, outbox_id: int, now: datetime) -> None:
        with self._engine.begin() as connection:
            connection.execute(
                update(notification_outbox)
                .where(notification_outbox.c.id == outbox_id)
                .values(sent_at=now, last_error=None)
            )

    def notification_failed(self, outbox_id: int, error: str, retry_at: datetime) -> None:
        with self._engine.begin() as connection:
            connection.execute(
                update(notification_outbox)
                .where(notification_outbox.c.id == outbox_id)
                .values(
                    attempts=notification_outbox.c.attempts + 1,
                    next_attempt_at=retry_at,
                    last_error=error[:500],
                )
            )

    def forget(self, *sender_ids: str, phone: str | None = None) -> Forgotten:
        """Delete every request of these conversations, and with `phone` every request with that
        number, their notes and outbox rows (cascade), and audit rows the resident made.

        A request found by its number leads to its conversation, and all of that conversation's
        requests go too. Returns the conversations and numbers involved, so they can be
        removed from the other tables and the tracker store.
        """
        # Never a marker shared by many residents: `bot forget gewist` must not empty the table.
        senders = set(sender_ids) - {PURGED_SENDER, RESIDENT_ACTOR, SYSTEM_ACTOR}
        by_number = callback_request.c.phone == phone if phone else false()
        with self._engine.begin() as connection:
            found = connection.execute(
                select(callback_request.c.sender_id).where(
                    or_(callback_request.c.sender_id.in_(senders), by_number)
                )
            ).scalars()
            senders |= set(found) - {PURGED_SENDER}
            rows = connection.execute(
                select(callback_request.c.id, callback_request.c.phone).where(
                    or_(callback_request.c.sender_id.in_(senders), by_number)
                )
            ).all()
            connection.execute(
                delete(callback_request).where(callback_request.c.id.in_([r.id for r in rows]))
            )
            connection.execute(delete(audit_event).where(audit_event.c.actor.in_(senders)))
        phones = {row.phone for row in rows if row.phone} | ({phone} if phone else set())
        return Forgotten(len(rows), frozenset(senders), frozenset(phones))
