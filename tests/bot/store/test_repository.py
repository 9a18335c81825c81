from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone
from threading import Barrier, Thread

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import func, inspect, select, text
from sqlalchemy.engine import Engine

from bot.store.db import downgrade, migrate
from bot.store.repository import (
    CallbackRepository,
    Filters,
    NeedsDate,
    NewCallback,
    OpenSummary,
    Status,
    UnknownRequest,
)
from bot.store.sessions import SessionRepository
from bot.store.staff import Role, StaffRepository
from bot.store.tables import (
    audit_event,
    callback_request,
    metadata,
    notification_outbox,
    staff_session,
)

NOW = datetime(2026, 11, 24, 9, 0, tzinfo=timezone.utc)


def request(
    key: str = "rest:alice:1", sender: str = "alice", *, urgent: bool = False
) -> NewCallback:
    return NewCallback(
        submission_key=key,
        channel="rest",
        sender_id=sender,
        phone="+32470123456",
        name="Fatima",
        preferred_moment="voormiddag",
        topic="woonclub",
        excerpt="ik zoek een huis",
        referral_code=None,
        urgent=urgent,
    )


def count(engine: Engine, table: object) -> int:
    with engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(table)).scalar_one())


def test_migration_creates_the_tables(engine: Engine) -> None:
    names = set(inspect(engine).get_table_names())
    assert {"callback_request", "audit_event", "notification_outbox", "alembic_version"} <= names


def test_migration_down_and_up_again(engine: Engine) -> None:
    downgrade(engine, "base")
    assert "callback_request" not in inspect(engine).get_table_names()
    migrate(engine)
    assert "callback_request" in inspect(engine).get_table_names()


def test_save_stores_every_field_with_audit_and_notification(engine: Engine) -> None:
    saved = CallbackRepository(engine).save(request(), NOW)
    assert saved.created
    record = saved.record
    assert re.fullmatch(r"MB-[A-HJ-KM-NP-Z2-9]{4}", record.reference)
    assert (record.phone, record.name, record.topic) == ("+32470123456", "Fatima", "woonclub")
    assert record.status == Status.nieuw.value
    assert record.created_at == NOW
    assert CallbackRepository(engine).audit_actions(record.reference) == ["aangemaakt"]
    assert count(engine, notification_outbox) == 1


def test_a_retried_submission_makes_no_second_row(engine: Engine) -> None:
    repository = CallbackRepository(engine)
    first = repository.save(request(), NOW)
    again = repository.save(request(), NOW + timedelta(seconds=3))
    assert not again.created
    assert again.record.reference == first.record.reference
    assert count(engine, callback_request) == 1
    assert count(engine, audit_event) == 1


def test_concurrent_retries_still_make_one_row(engine: Engine) -> None:
    repository = CallbackRepository(engine)
    barrier = Barrier(4)
    references: list[str] = []

    def submit() -> None:
        barrier.wait()
        references.append(repository.save(request(), NOW).record.reference)

    threads = [Thread(target=submit) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(references)) == 1
    assert count(engine, callback_request) == 1


def test_open_request_and_changing_its_moment(engine: Engine) -> None:
    repository = CallbackRepository(engine)
    assert repository.open_request("rest", "alice") is None
    saved = repository.save(request(), NOW)
    assert repository.open_request("rest", "alice") == saved.record
    assert repository.open_request("rest", "bob") is None
    with pytest.raises(UnknownRequest):  # only the conversation that made it
        repository.change_moment(saved.record.reference, "namiddag", "bob", NOW)
    repository.change_moment(saved.record.reference, "namiddag", "alice", NOW)
    changed = repository.get(saved.record.reference)
    assert changed is not None and changed.preferred_moment == "namiddag"
    assert repository.audit_actions(saved.record.reference) == ["aangemaakt", "moment gewijzigd"]
    detail = repository.detail(saved.record.reference)
    assert detail is not None and detail.audit[-1].actor == "inwoner"  # never the sender id
    repository.set_status(saved.record.reference, Status.afgesloten, "staff", NOW)
    assert repository.open_request("rest", "alice") is None


def test_purge_removes_personal_data_after_retention_only(engine: Engine) -> None:
    repository = CallbackRepository(engine)
    old = repository.save(request("k-old"), NOW).record
    recent = repository.save(request("k-recent", "bob"), NOW).record
    still_open = repository.save(request("k-open", "carol"), NOW).record
    repository.set_status(old.reference, Status.afgesloten, "staff", NOW - timedelta(days=31))
    repository.set_status(recent.reference, Status.afgesloten, "staff", NOW - timedelta(days=5))
    assert repository.purge(30, NOW) == [("rest", "alice")]
    assert repository.purge(30, NOW) == []  # already done
    purged = repository.get(old.reference)
    assert purged is not None and purged.phone is None and purged.name is None
    assert purged.excerpt is None and purged.sender_id == "gewist"
    assert purged.topic == "woonclub"  # anonymous counts stay possible
    for kept in (recent, still_open):
        record = repository.get(kept.reference)
        assert record is not None and record.phone == "+32470123456"
    assert "persoonsgegevens gewist" in repository.audit_actions(old.reference)


def test_forget_deletes_all_of_one_residents_requests(engine: Engine) -> None:
    repository = CallbackRepository(engine)
    repository.save(request("k1"), NOW)
    repository.save(request("k2"), NOW)
    other = repository.save(request("k3", "bob"), NOW).record
    assert repository.forget("alice").requests == 2
    assert count(engine, callback_request) == 1
    assert count(engine, audit_event) == 1  # only bob's
    assert repository.get(other.reference) is not None


def test_sqlite_runs_in_wal_mode_with_foreign_keys(engine: Engine) -> None:
    if engine.dialect.name != "sqlite":
        return
    with engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar_one() == "wal"
        assert connection.execute(text("PRAGMA foreign_keys")).scalar_one() == 1


def test_page_filters_newest_first_with_a_total(engine: Engine) -> None:
    repository = CallbackRepository(engine)
    for n in range(5):
        repository.save(request(f"k{n}", f"s{n}"), NOW + timedelta(minutes=n))
    first = repository.page(Filters(), limit=2)
    assert first.total == 5 and [r.sender_id for r in first.records] == ["s4", "s3"]
    assert [r.sender_id for r in repository.page(Filters(), 2, 4).records] == ["s0"]
    repository.set_status(first.records[0].reference, Status.gebeld, "anna", NOW)
    called = repository.page(Filters(status="gebeld", channel="rest", topic="woonclub"), 10)
    assert called.total == 1 and called.records[0].sender_id == "s4"
    assert repository.page(Filters(channel="sms"), 10).total == 0
    assert repository.values_in_use() == {"channel": ["rest"], "topic": ["woonclub"]}


def test_status_keeps_call_and_closing_times_in_step(engine: Engine) -> None:
    repository = CallbackRepository(engine)
    reference = repository.save(request(), NOW).record.reference
    repository.claim(reference, "bram", NOW)
    repository.set_status(reference, Status.niet_bereikbaar, "bram", NOW + timedelta(hours=1))
    unreached = repository.get(reference)
    assert unreached is not None and unreached.call_attempts == 1
    assert unreached.called_at == NOW + timedelta(hours=1) and unreached.closed_at is None
    repository.set_status(reference, Status.gebeld, "bram", NOW + timedelta(hours=3))
    reached = repository.get(reference)
    assert reached is not None
    assert reached.called_at == NOW + timedelta(hours=1)  # the first attempt stays
    assert reached.closed_at == NOW + timedelta(hours=3)
    repository.set_status(reference, Status.in_behandeling, "anna", NOW + timedelta(hours=4))
    reopened = repository.get(reference)
    assert reopened is not None and reopened.closed_at is None
    repository.claim(reference, "anna", NOW + timedelta(hours=5))
    detail = repository.detail(reference)
    assert detail is not None and detail.audit[-1].detail == "overgenomen van bram"
    with pytest.raises(UnknownRequest):
        repository.claim("MB-ZZZZ", "anna", NOW)


def test_purge_also_empties_notes(engine: Engine) -> None:
    repository = CallbackRepository(engine)
    reference = repository.save(request(), NOW - timedelta(days=40)).record.reference
    repository.add_note(reference, "bram", "Mevrouw woont op de Grote Markt", NOW)
    repository.set_status(reference, Status.afgesloten, "bram", NOW - timedelta(days=35))
    repository.purge(30, NOW)
    detail = repository.detail(reference)
    assert detail is not None and [n.text for n in detail.notes] == [None]


def test_sessions_expire_when_idle_and_end_on_logout(engine: Engine) -> None:
    staff = StaffRepository(engine)
    staff.add("bram", Role.staff, "not-a-real-hash", NOW)
    sessions = SessionRepository(engine)
    idle = timedelta(minutes=30)
    token = sessions.start("bram", NOW, idle)
    found = sessions.find(token, NOW + timedelta(minutes=20), idle)
    assert found is not None and found.role == "staff" and len(found.csrf_token) > 20
    assert sessions.find(token, NOW + timedelta(minutes=45), idle) is not None  # touched at 20
    assert sessions.find(token, NOW + timedelta(minutes=80), idle) is None
    assert sessions.find(token, NOW + timedelta(minutes=81), idle) is None  # deleted
    stale = sessions.start("bram", NOW, idle)
    other = sessions.start("bram", NOW + timedelta(hours=2), idle)  # clears `stale` away
    with engine.connect() as connection:
        stored = connection.execute(select(staff_session.c.token_hash)).scalars().all()
    assert len(stored) == 1 and other not in stored  # only a hash is kept
    sessions.revoke(other)
    assert sessions.find(other, NOW + timedelta(hours=2), idle) is None
    assert sessions.find(stale, NOW, idle) is None


def test_migrations_build_exactly_the_tables_the_code_defines(engine: Engine) -> None:
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), metadata)
    assert differences == []


def test_call_again_needs_a_day_and_stays_open_until_someone_calls(engine: Engine) -> None:
    repository = CallbackRepository(engine)
    reference = repository.save(request(), NOW).record.reference
    with pytest.raises(NeedsDate):
        repository.set_status(reference, Status.opnieuw_bellen, "bram", NOW)
    assert repository.audit_actions(reference) == ["aangemaakt"]
    friday = date(2026, 11, 27)
    repository.set_status(reference, Status.opnieuw_bellen, "bram", NOW, friday)
    again = repository.get(reference)
    assert again is not None and (again.status, again.call_again_on) == ("opnieuw bellen", friday)
    assert again.called_at == NOW and again.closed_at is None and again.call_attempts == 0
    # Open, and late only once its day has passed, whatever moment the resident chose.
    assert repository.open_summary() == OpenSummary(1, {})
    assert repository.count_late({}, friday) == 0
    assert repository.count_late({}, friday + timedelta(days=1)) == 1
    assert repository.open_request("rest", "alice") == again
    detail = repository.detail(reference)
    assert detail is not None and detail.audit[-1].detail == "nieuw → opnieuw bellen op 27-11-2026"
    repository.claim(reference, "bram", NOW + timedelta(days=3))  # calling on the day
    claimed = repository.get(reference)
    assert claimed is not None
    assert (claimed.status, claimed.call_again_on) == ("in behandeling", None)
    repository.set_status(reference, Status.opnieuw_bellen, "bram", NOW, friday)
    repository.set_status(reference, Status.gebeld, "bram", NOW, friday)  # day ignored
    called = repository.get(reference)
    assert called is not None and called.call_again_on is None
    assert repository.open_summary() == OpenSummary(0, {})


def test_urgent_is_stored_and_open_urgent_requests_come_first_when_asked(engine: Engine) -> None:
    repository = CallbackRepository(engine)
    urgent = repository.save(request("k1", "s1", urgent=True), NOW).record
    closed = repository.save(request("k2", "s2", urgent=True), NOW + timedelta(minutes=1)).record
    newest = repository.save(request("k3", "s3"), NOW + timedelta(minutes=2)).record
    repository.set_status(closed.reference, Status.afgesloten, "anna", NOW)
    assert urgent.urgent and not newest.urgent
    detail = repository.detail(urgent.reference)
    assert detail is not None and detail.audit[0].detail == "via rest, dringend"
    inbox = repository.page(Filters(), 10, urgent_first=True)
    assert [r.sender_id for r in inbox.records] == ["s1", "s3", "s2"]
    assert [r.sender_id for r in repository.page(Filters(), 10).records] == ["s3", "s2", "s1"]
    assert [r.sender_id for r in repository.page(Filters(), 1, 1, urgent_first=True).records] == [
        "s3"
    ]


def test_a_later_moment_change_after_urgent_help_makes_the_request_urgent(engine: Engine) -> None:
    repository = CallbackRepository(engine)
    reference = repository.save(request(), NOW).record.reference
    repository.change_moment(reference, "namiddag", "alice", NOW)
    plain = repository.get(reference)
    assert plain is not None and not plain.urgent
    repository.change_moment(reference, "voormiddag", "alice", NOW, urgent=True)
    repository.change_moment(reference, "namiddag", "alice", NOW, urgent=False)
    record = repository.get(reference)
    assert record is not None and record.urgent  # never unflagged by the resident
    detail = repository.detail(reference)
    assert detail is not None
    assert [a.detail for a in detail.audit[1:]] == ["namiddag", "voormiddag, dringend", "namiddag"]


def test_created_between_for_the_export(engine: Engine) -> None:
    repository = CallbackRepository(engine)
    for n in range(4):
        repository.save(request(f"k{n}", f"s{n}"), NOW + timedelta(days=n))
    called = repository.page(Filters(), 1).records[0]  # s3
    repository.set_status(called.reference, Status.gebeld, "anna", NOW)

    def senders(
        start: datetime | None, end: datetime | None, status: str | None = None
    ) -> list[str]:
        return [r.sender_id for r in repository.created_between(start, end, status)]

    assert senders(None, None) == ["s0", "s1", "s2", "s3"]
    assert senders(NOW + timedelta(days=1), NOW + timedelta(days=3)) == ["s1", "s2"]
    assert senders(NOW + timedelta(days=2), None) == ["s2", "s3"]
    assert senders(None, NOW + timedelta(days=1)) == ["s0"]
    assert senders(None, None, "gebeld") == ["s3"]
    assert senders(None, NOW, "gebeld") == []
